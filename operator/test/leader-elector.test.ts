import { describe, expect, it } from 'vitest';
import { LeaderElector, type LeaseStore } from '../src/kube/leader-elector.ts';
import { microTime, nextLeaseAction, type LeaseRecord, type ObservedLease } from '../src/kube/lease-record.ts';

class Conflict extends Error {}

/** One Lease with the API server's optimistic concurrency: a write with a stale resourceVersion fails. */
class MemoryLease {
  lease: ObservedLease | undefined;
  private rv = 0;
  store(name: string, reachable: () => boolean = () => true): LeaseStore {
    const check = () => {
      if (!reachable()) throw new Error(`${name}: API server unreachable`);
    };
    return {
      get: async () => (check(), this.lease && structuredClone(this.lease)),
      create: async (record) => {
        check();
        if (this.lease) throw new Conflict('AlreadyExists');
        return this.write(record);
      },
      update: async (record, resourceVersion) => {
        check();
        if (this.lease?.resourceVersion !== resourceVersion) throw new Conflict('Conflict');
        return this.write(record);
      },
    };
  }
  private write(record: LeaseRecord): ObservedLease {
    this.lease = { record: structuredClone(record), resourceVersion: String(++this.rv) };
    return structuredClone(this.lease);
  }
}

function harness() {
  let now = 1_000_000;
  const lease = new MemoryLease();
  const reachable = new Map<string, boolean>();
  const log: string[] = [];
  const elector = (identity: string) =>
    new LeaderElector({
      identity,
      store: lease.store(identity, () => reachable.get(identity) ?? true),
      now: () => now,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      onStartedLeading: () => log.push(`${identity} started at ${now}`),
      onStoppedLeading: () => log.push(`${identity} stopped at ${now}`),
    });
  return { lease, reachable, log, elector, advance: (ms: number) => (now += ms), now: () => now };
}

describe('nextLeaseAction', () => {
  const held = (holder: string, transitions = 0): ObservedLease => ({
    record: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: microTime(0), leaseTransitions: transitions },
    resourceVersion: '7',
  });

  it('creates a missing lease', () => {
    expect(nextLeaseAction({ nowMs: 0, identity: 'a', leaseDurationSeconds: 15, current: undefined, observedAtMs: 0 })).toMatchObject({
      kind: 'create',
      record: { holderIdentity: 'a', leaseTransitions: 0, renewTime: '1970-01-01T00:00:00.000000Z' },
    });
  });

  it('renews its own lease', () => {
    expect(nextLeaseAction({ nowMs: 5000, identity: 'a', leaseDurationSeconds: 15, current: held('a'), observedAtMs: 0 })).toMatchObject({
      kind: 'update',
      takeover: false,
      resourceVersion: '7',
      record: { holderIdentity: 'a', renewTime: '1970-01-01T00:00:05.000000Z' },
    });
  });

  it('waits for another holder until a full duration after it last saw a renewal', () => {
    expect(nextLeaseAction({ nowMs: 20_000, identity: 'b', leaseDurationSeconds: 15, current: held('a'), observedAtMs: 6_000 })).toEqual({ kind: 'wait', holder: 'a', expiresInMs: 1_000 });
    expect(nextLeaseAction({ nowMs: 21_000, identity: 'b', leaseDurationSeconds: 15, current: held('a', 3), observedAtMs: 6_000 })).toMatchObject({
      kind: 'update',
      takeover: true,
      record: { holderIdentity: 'b', leaseTransitions: 4 },
    });
  });

  it('takes a released lease at once', () => {
    expect(nextLeaseAction({ nowMs: 1, identity: 'b', leaseDurationSeconds: 15, current: held(''), observedAtMs: 1 })).toMatchObject({ kind: 'update', takeover: true });
  });
});

describe('LeaderElector with a fake clock', () => {
  it('elects one leader; the other waits', async () => {
    const h = harness();
    const a = h.elector('a');
    const b = h.elector('b');
    await a.tick();
    await b.tick();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    for (let i = 0; i < 20; i++) {
      h.advance(2000);
      await a.tick();
      await b.tick();
      expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    }
    expect(h.log).toEqual(['a started at 1000000']);
  });

  it('never has two leaders when the leader is cut off, and hands over after the lease expires', async () => {
    const h = harness();
    const a = h.elector('a');
    const b = h.elector('b');
    await a.tick();
    await b.tick();
    h.reachable.set('a', false);
    let aLastLed = 0;
    let bFirstLed: number | undefined;
    for (let step = 0; step < 300; step++) {
      h.advance(100);
      if (step % 20 === 0) {
        await a.tick();
        await b.tick();
      }
      expect(a.isLeader() && b.isLeader()).toBe(false);
      if (a.isLeader()) aLastLed = h.now();
      if (b.isLeader() && bFirstLed === undefined) bFirstLed = h.now();
    }
    // a stops acting within 10 s of its last renewal; b takes over ≥ 15 s after it first saw that renewal.
    expect(aLastLed).toBe(1_009_900);
    expect(bFirstLed).toBeGreaterThanOrEqual(1_015_000);
    expect(h.lease.lease!.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('lets a successor take over at once when the leader releases the lease', async () => {
    const h = harness();
    const a = h.elector('a');
    const b = h.elector('b');
    await a.tick();
    await b.tick();
    await a.release();
    expect(a.isLeader()).toBe(false);
    h.advance(2000);
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(h.log).toEqual(['a started at 1000000', 'a stopped at 1000000', 'b started at 1002000']);
  });

  it('lets only one of two simultaneous candidates win the race for an expired lease', async () => {
    const h = harness();
    const a = h.elector('a');
    await a.tick();
    const b = h.elector('b');
    const c = h.elector('c');
    await b.tick();
    await c.tick();
    h.reachable.set('a', false);
    h.advance(16_000);
    await Promise.all([b.tick(), c.tick()]);
    expect([b.isLeader(), c.isLeader()].filter(Boolean)).toHaveLength(1);
  });

  it('refuses a renew deadline that is not shorter than the lease', () => {
    const h = harness();
    expect(() => new LeaderElector({ identity: 'x', store: h.lease.store('x'), now: h.now, leaseDurationSeconds: 10, renewDeadlineSeconds: 10, onStartedLeading: () => {}, onStoppedLeading: () => {} })).toThrow(/shorter/);
  });
});
