import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeadLetterKind, DeadLetterSink } from '../src/dead-letter.ts';
import type { DecodedMessage } from '../src/decode-message.ts';
import { identity } from '../src/dedup.ts';
import type { EventStore } from '../src/event-store.ts';
import type { InboundMessage } from '../src/inbound-message.ts';
import { BatchPipeline } from '../src/pipeline.ts';
import { message, uuid } from './fixtures.ts';

/**
 * An in-memory store standing in for ClickHouse so the pipeline's ordering
 * and retry decisions can be checked step by step; the ClickHouse-backed
 * store is exercised by the integration tests.
 */
class MemoryStore implements EventStore {
  rows = new Map<string, number>();
  failures: Error[] = [];
  rejectTenant: string | undefined;
  inserts = 0;
  async findStored(messages: readonly DecodedMessage[]) {
    const found = new Set<string>();
    for (const m of messages) for (const r of m.rows) if (this.rows.has(identity(m.tenant, r.eventId))) found.add(identity(m.tenant, r.eventId));
    return found;
  }
  async insert(messages: readonly DecodedMessage[]) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (messages.some((m) => m.tenant === this.rejectTenant)) throw Object.assign(new Error('Cannot parse input'), { code: '117' });
    this.inserts++;
    for (const m of messages) for (const r of m.rows) this.rows.set(identity(m.tenant, r.eventId), (this.rows.get(identity(m.tenant, r.eventId)) ?? 0) + 1);
  }
}

class MemoryDeadLetters implements DeadLetterSink {
  sent: { seq: number; kind: DeadLetterKind; reason: string }[] = [];
  async send(m: InboundMessage, kind: DeadLetterKind, reason: string) {
    this.sent.push({ seq: m.seq, kind, reason });
  }
}

function setup(opts: { stopping?: boolean } = {}) {
  const store = new MemoryStore();
  const deadLetters = new MemoryDeadLetters();
  const sleeps: number[] = [];
  const pipeline = new BatchPipeline({
    store,
    deadLetters,
    log: pino({ level: 'silent' }),
    backoff: { initialMs: 10, maxMs: 100 },
    maxAttempts: 3,
    isStopping: () => opts.stopping ?? false,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { store, deadLetters, pipeline, sleeps };
}

describe('BatchPipeline', () => {
  it('inserts each event once and acks after the insert', async () => {
    const { store, pipeline } = setup();
    const batch = [message(1, 'a', [1, 2]), message(2, 'a', [2, 3])];
    await pipeline.process(batch);
    expect([...store.rows.values()]).toEqual([1, 1, 1]);
    expect(batch.map((m) => m.acked)).toEqual([1, 1]);
    expect(pipeline.counters).toMatchObject({ rowsInserted: 3, duplicatesInBatch: 1 });
  });

  it('skips events already stored: a redelivery after a crash adds nothing', async () => {
    const { store, pipeline } = setup();
    await pipeline.process([message(1, 'a', [1, 2])]);
    const redelivered = message(1, 'a', [1, 2], { deliveryCount: 2 });
    await pipeline.process([redelivered, message(2, 'a', [3])]);
    expect([...store.rows.values()]).toEqual([1, 1, 1]);
    expect(redelivered.acked).toBe(1);
    expect(pipeline.counters.duplicatesStored).toBe(2);
  });

  it('retries transient failures, keeping messages alive, and acks once stored', async () => {
    const { store, pipeline, sleeps } = setup();
    store.failures = [new Error('connect ECONNREFUSED'), new Error('socket hang up')];
    const m = message(1, 'a', [1]);
    await pipeline.process([m]);
    expect(sleeps).toHaveLength(2);
    expect(m.workingCalls).toBe(2);
    expect(m.acked).toBe(1);
    expect(store.rows.size).toBe(1);
  });

  it('dead-letters undecodable messages at once and processes the rest', async () => {
    const { store, deadLetters, pipeline } = setup();
    const poison = message(5, 'a', [1], { body: Buffer.from('not a row\n') });
    const good = message(6, 'a', [2]);
    await pipeline.process([poison, good]);
    expect(deadLetters.sent).toEqual([{ seq: 5, kind: 'undecodable', reason: expect.stringContaining('does not start with') }]);
    expect(poison.acked).toBe(1);
    expect(good.acked).toBe(1);
    expect(store.rows.size).toBe(1);
  });

  it('isolates a message ClickHouse rejects: naks it until its last attempt, then dead-letters it', async () => {
    const { store, deadLetters, pipeline } = setup();
    store.rejectTenant = 'bad';
    const early = message(1, 'bad', [1], { deliveryCount: 1 });
    const good = message(2, 'a', [2]);
    await pipeline.process([early, good]);
    expect(early.naked).toBe(1);
    expect(early.acked).toBe(0);
    expect(good.acked).toBe(1);
    expect(deadLetters.sent).toHaveLength(0);

    const last = message(1, 'bad', [1], { deliveryCount: 3 });
    await pipeline.process([last]);
    expect(deadLetters.sent).toEqual([{ seq: 1, kind: 'rejected-by-clickhouse', reason: 'Cannot parse input' }]);
    expect(last.acked).toBe(1);
    expect(store.rows.size).toBe(1);
  });

  it('hands messages back when stopping while ClickHouse fails', async () => {
    const { store, pipeline } = setup({ stopping: true });
    store.failures = [new Error('connect ECONNREFUSED')];
    const m = message(1, 'a', [1]);
    await pipeline.process([m]);
    expect(m.naked).toBe(1);
    expect(m.acked).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  it('counts distinct ids across many batches exactly once', async () => {
    const { store, pipeline } = setup();
    for (let b = 0; b < 20; b++) {
      await pipeline.process([message(b * 2, 't', [b, b + 1, b + 2]), message(b * 2 + 1, 't', [b + 1])]);
    }
    expect(store.rows.size).toBe(22);
    expect([...store.rows.values()].every((n) => n === 1)).toBe(true);
    expect(store.rows.has(identity('t', uuid(21)))).toBe(true);
  });
});
