import { describe, expect, it } from 'vitest';
import { hpaRecommendation, kedaHpaPolicy } from '../lib/autoscale-policies.ts';
import { pickThreshold, resultTable, verdict } from '../lib/autoscale-report.ts';
import { hasBacklog, longestRun, readyReplicas, simulate, type ScalingPolicy, type SimConfig } from '../lib/autoscale-simulation.ts';
import { burstTrace, noisyTrace, rampTrace } from '../lib/autoscale-traces.ts';
import type { LagReading } from '../../operator/src/scaling/lag-sample.ts';

const cfg: SimConfig = { perReplicaRate: 100, startupSeconds: 10, inFlightPerReplica: 5, initialReplicas: 2, caughtUpSeconds: 5, warmupSeconds: 0 };
const fixed = (n: number, periodSeconds = 5): ScalingPolicy => ({ name: `fixed ${n}`, periodSeconds, decide: () => n });
const reading = (lag: number): LagReading => ({ ok: true, atMs: 0, pending: lag, ackPending: 0, deliveredSeq: 0, ackFloorSeq: 0, replicas: 1 });

describe('simulation pieces', () => {
  it('counts a backlog only beyond caughtUpSeconds of arrivals', () => {
    expect(hasBacklog(500, 100, 5)).toBe(false);
    expect(hasBacklog(501, 100, 5)).toBe(true);
    expect(hasBacklog(1, 0, 5)).toBe(false);
    expect(hasBacklog(2, 0, 5)).toBe(true);
  });

  it('makes a replica ready startupSeconds after it was requested', () => {
    expect(readyReplicas([0, 0, 20], 25, 10)).toBe(2);
    expect(readyReplicas([0, 0, 20], 30, 10)).toBe(3);
  });

  it('measures the longest run, and an unfinished one as Infinity', () => {
    expect(longestRun([true, true, false, true, false])).toBe(2);
    expect(longestRun([false, true])).toBe(Infinity);
    expect(longestRun([])).toBe(0);
  });
});

describe('simulate', () => {
  it('works a backlog off at ready replicas × per-replica rate', () => {
    const trace = { name: 't', seconds: 30, arrivals: (t: number) => (t === 0 ? 3000 : 0) };
    const r = simulate(trace, fixed(2), cfg);
    // 3000 events, 2 × 100/s: the last ones are acknowledged in second 14.
    expect(r.steps[14]!.lag).toBe(0);
    expect(r.steps[13]!.lag).toBe(200);
    expect(r.replicaSeconds).toBe(60);
    expect(r.scaleChanges).toBe(0);
  });

  it('charges new replicas from the request and lets them work after startupSeconds', () => {
    const trace = { name: 't', seconds: 20, arrivals: () => 400 };
    const r = simulate(trace, fixed(4, 20), cfg);
    expect(r.steps[1]).toMatchObject({ desired: 4, ready: 2 });
    expect(r.steps[11]).toMatchObject({ desired: 4, ready: 4 });
    expect(r.scaleChanges).toBe(1);
    expect(r.peakReplicas).toBe(4);
  });

  it('follows a backlog still open when the trace ends until it is gone, without charging for that time', () => {
    const trace = { name: 't', seconds: 10, arrivals: (t: number) => (t === 8 ? 5000 : 150) };
    const r = simulate(trace, fixed(2, 100), cfg);
    // 5000 at t=8, then 150/s arriving and 200/s worked off: under 5 s of arrivals some 80 s later.
    expect(r.longestBacklogSeconds).toBeGreaterThan(60);
    expect(r.longestBacklogSeconds).toBeLessThan(120);
    expect(r.steps).toHaveLength(10);
    expect(r.replicaSeconds).toBe(20);
  });

  it('calls a backlog that never drains Infinity', () => {
    const r = simulate({ name: 't', seconds: 10, arrivals: () => 500 }, fixed(2, 100), cfg);
    expect(r.longestBacklogSeconds).toBe(Infinity);
  });

  it('reports pending and in-flight the way JetStream would', () => {
    const seen: LagReading[] = [];
    const trace = { name: 't', seconds: 6, arrivals: (t: number) => (t === 0 ? 2000 : 0) };
    simulate(trace, { name: 'spy', periodSeconds: 5, decide: (v) => (seen.push(v.reading), 2) }, cfg);
    // t=5: 2000 arrived, 2 replicas × 100/s × 6 s acknowledged, 2 × 5 in flight.
    expect(seen[1]).toMatchObject({ atMs: 5000, pending: 790, ackPending: 10, deliveredSeq: 1210, ackFloorSeq: 1200, replicas: 2 });
  });
});

describe('KEDA-style policy with HPA defaults', () => {
  it('asks ceil(lag / lagThreshold), keeping the count inside the 10% tolerance', () => {
    expect(hpaRecommendation(1050, 1, 1000, 0.1)).toBe(1);
    expect(hpaRecommendation(1150, 1, 1000, 0.1)).toBe(2);
    expect(hpaRecommendation(10_000, 4, 1000, 0.1)).toBe(10);
    expect(hpaRecommendation(10, 0, 1000, 0.1)).toBe(1);
  });

  it('scales up by at most max(100%, 4 pods) per sync', () => {
    const p = kedaHpaPolicy({ lagThreshold: 10, minReplicas: 1, maxReplicas: 100 });
    expect(p.decide({ t: 0, reading: reading(1000), currentReplicas: 1 })).toBe(5);
    expect(p.decide({ t: 15, reading: reading(1000), currentReplicas: 10 })).toBe(20);
  });

  it('scales down only to the highest recommendation of the last 300 s', () => {
    const p = kedaHpaPolicy({ lagThreshold: 10, minReplicas: 1, maxReplicas: 100 });
    expect(p.decide({ t: 0, reading: reading(80), currentReplicas: 8 })).toBe(8);
    expect(p.decide({ t: 15, reading: reading(0), currentReplicas: 8 })).toBe(8);
    expect(p.decide({ t: 300, reading: reading(0), currentReplicas: 8 })).toBe(8);
    expect(p.decide({ t: 315, reading: reading(0), currentReplicas: 8 })).toBe(1);
  });
});

describe('traces', () => {
  it('burst: the base load plus exactly burstEvents', () => {
    const t = burstTrace(100, { baseReplicas: 2, burstEvents: 1_000_000, burstAt: 10, burstSeconds: 20, seconds: 60 });
    const total = Array.from({ length: t.seconds }, (_, i) => t.arrivals(i)).reduce((a, b) => a + b, 0);
    expect(total).toBe(60 * 200 + 1_000_000);
  });

  it('ramp: from one load to the other, then flat', () => {
    const t = rampTrace(100, { fromReplicas: 1, toReplicas: 5, rampSeconds: 100, seconds: 200 });
    expect([t.arrivals(0), t.arrivals(50), t.arrivals(100), t.arrivals(150)]).toEqual([100, 300, 500, 500]);
  });

  it('noisy: within the band, the same for the same seed', () => {
    const a = noisyTrace(100, { meanReplicas: 2, noise: 0.3, seconds: 500, seed: 9 });
    const b = noisyTrace(100, { meanReplicas: 2, noise: 0.3, seconds: 500, seed: 9 });
    const values = Array.from({ length: 500 }, (_, i) => a.arrivals(i));
    expect(values).toEqual(Array.from({ length: 500 }, (_, i) => b.arrivals(i)));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(140);
    expect(Math.max(...values)).toBeLessThanOrEqual(260);
  });
});

describe('report', () => {
  const result = (policy: string, longestBacklogSeconds: number, replicaSeconds: number, scaleChanges: number) => ({
    trace: 'burst',
    policy,
    steps: [],
    longestBacklogSeconds,
    peakReplicas: 5,
    replicaSeconds,
    scaleChanges,
  });

  it('compares with the cheapest threshold that meets the drain target', () => {
    const runs = [
      { lagThreshold: 10, results: [result('k', 20, 900, 9)] },
      { lagThreshold: 50, results: [result('k', 110, 500, 6)] },
      { lagThreshold: 90, results: [result('k', Infinity, 300, 4)] },
    ];
    expect(pickThreshold(runs, 120).lagThreshold).toBe(50);
    expect(pickThreshold(runs, 10).lagThreshold).toBe(10);
  });

  it('judges drain time, scale changes and replica-seconds', () => {
    expect(verdict(result('o', 100, 500, 3), result('k', 50, 500, 4), 120)).toEqual({ trace: 'burst', drainedInTime: true, fewerChanges: true, noMoreReplicaSeconds: true });
    expect(verdict(result('o', 130, 501, 4), result('k', 50, 500, 4), 120)).toEqual({ trace: 'burst', drainedInTime: false, fewerChanges: false, noMoreReplicaSeconds: false });
  });

  it('prints one aligned row per result', () => {
    const table = resultTable([result('operator', 96, 3100, 3), result('keda', Infinity, 99, 10), result('x', 0, 1, 0)]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[1]).toMatch(/^burst\s+operator\s+96 s\s+5\s+3100\s+3$/);
    expect(table[2]).toContain('never');
    expect(table[3]).toContain('no backlog');
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });
});
