import { describe, expect, it } from 'vitest';
import { decideReplicas, type DecisionInput } from '../src/scaling/decide.ts';
import type { LagSample, Recommendation } from '../src/scaling/lag-sample.ts';
import { policy, readings, steadyTrace } from './fixtures/lag-readings.ts';

const input = (o: Partial<DecisionInput> & Pick<DecisionInput, 'samples' | 'currentReplicas'>): DecisionInput => ({
  nowMs: o.samples.at(-1)!.atMs,
  recommendations: [],
  maxAckPending: 2000,
  policy: policy(),
  ...o,
});

const recs = (fromS: number, toS: number, replicas: number): Recommendation[] => {
  const out: Recommendation[] = [];
  for (let t = fromS; t <= toS; t += 5) out.push({ atMs: t * 1000, replicas });
  return out;
};

// 1000/s arriving, three replicas acknowledging 1200/s (400 each) into a 300k backlog.
const spike = steadyTrace({ from: 0, to: 60, every: 5, arrivalRate: 1000, ackRate: 1200, ready: 3, backlog: 300_000, inFlight: 500 });

describe('decideReplicas: steady load', () => {
  it('holds when the replicas match arrivals at the known per-replica rate', () => {
    const samples = steadyTrace({ from: 0, to: 60, every: 5, arrivalRate: 1000, ackRate: 1000, ready: 3, inFlight: 20 });
    const d = decideReplicas(input({ samples, currentReplicas: 3, previousPerReplicaRate: 400 }));
    expect(d).toMatchObject({ desired: 3, direction: 'none', reason: 'at-target', recommendation: { replicas: 3 } });
    expect(d.estimates).toMatchObject({ arrivalRate: 1000, perReplicaRate: 400, perReplicaRateSource: 'previous', backlogAgeSeconds: 0, drainSeconds: 120 });
  });

  it('does not round 2.5004 replicas of work plus in-flight messages up to a fourth replica', () => {
    const samples = steadyTrace({ from: 0, to: 60, every: 5, arrivalRate: 1200, ackRate: 1200, ready: 3, inFlight: 600 });
    expect(decideReplicas(input({ samples, currentReplicas: 3, previousPerReplicaRate: 400 })).desired).toBe(3);
  });
});

describe('decideReplicas: spike', () => {
  it('adds replicas to keep up with arrivals and drain the backlog by its deadline', () => {
    const d = decideReplicas(input({ samples: spike, currentReplicas: 3, policy: policy({ maxReplicas: 30 }) }));
    // 60 s into the backlog, 60 s of the 120 s target remain: (1000 + 288,500 / 60) / 400 = 14.52 → 15.
    expect(d.estimates).toMatchObject({ perReplicaRate: 400, perReplicaRateSource: 'measured', backlogAgeSeconds: 60, drainSeconds: 60 });
    expect(d).toMatchObject({ desired: 13, direction: 'up', reason: 'scale-up', limitedBy: 'max-step', recommendation: { replicas: 15 } });
  });

  it('stops at maxReplicas', () => {
    const d = decideReplicas(input({ samples: spike, currentReplicas: 3 }));
    expect(d).toMatchObject({ desired: 10, reason: 'scale-up', limitedBy: 'max-replicas', recommendation: { replicas: 10 } });
  });

  it('adds at most maxStepUp replicas per decision', () => {
    const d = decideReplicas(input({ samples: spike, currentReplicas: 3, policy: policy({ maxReplicas: 30, maxStepUp: 4 }) }));
    expect(d).toMatchObject({ desired: 7, limitedBy: 'max-step' });
  });

  it('gives a backlog older than its target a quarter of the target to go', () => {
    const samples = steadyTrace({ from: 0, to: 150, every: 5, arrivalRate: 1000, ackRate: 1200, ready: 3, backlog: 300_000 });
    const d = decideReplicas(input({ samples, currentReplicas: 3, policy: policy({ maxReplicas: 50 }) }));
    expect(d.estimates).toMatchObject({ backlogAgeSeconds: 150, drainSeconds: 30 });
  });

  it('does not add replicas when every message the consumer may hand out is already in flight', () => {
    const samples = steadyTrace({ from: 0, to: 60, every: 5, arrivalRate: 1000, ackRate: 1200, ready: 3, backlog: 300_000, inFlight: 2000 });
    const d = decideReplicas(input({ samples, currentReplicas: 3, maxAckPending: 2000 }));
    expect(d).toMatchObject({ desired: 3, direction: 'none', reason: 'ack-pending-limit' });
    expect(d.message).toContain('maxAckPending');
  });

  it('uses ceil(lag / lagPerReplicaFallback) until a processing rate is known', () => {
    const samples = steadyTrace({ from: 0, to: 20, every: 5, arrivalRate: 1000, ackRate: 0, ready: 2, backlog: 20_000 });
    const d = decideReplicas(input({ samples, currentReplicas: 2 }));
    expect(d).toMatchObject({ desired: 8, reason: 'scale-up', estimates: { lag: 40_000, perReplicaRateSource: 'fallback' } });
    expect(d.message).toContain('5000 lag per replica');
  });
});

describe('decideReplicas: stabilization', () => {
  it('scales up only to the lowest recommendation of the scale-up window', () => {
    const d = decideReplicas(input({ samples: spike, currentReplicas: 3, recommendations: [{ atMs: 55_000, replicas: 3 }] }));
    expect(d).toMatchObject({ desired: 3, direction: 'none', reason: 'scale-up-stabilizing', recommendation: { replicas: 10 } });
    const later = decideReplicas(input({ samples: spike, currentReplicas: 3, recommendations: [{ atMs: 55_000, replicas: 6 }] }));
    expect(later).toMatchObject({ desired: 6, reason: 'scale-up' });
  });

  it('scales down only to the highest recommendation of the scale-down window', () => {
    const samples = steadyTrace({ from: 140, to: 200, every: 5, arrivalRate: 1000, ackRate: 1000, ready: 8, inFlight: 20 });
    const history = [...recs(80, 150, 2), ...recs(155, 195, 5)];
    const d = decideReplicas(input({ samples, currentReplicas: 8, previousPerReplicaRate: 400, recommendations: history }));
    expect(d).toMatchObject({ desired: 5, direction: 'down', reason: 'scale-down', recommendation: { replicas: 3 } });
  });

  it('holds a lower recommendation until the history spans the scale-down window', () => {
    const samples = steadyTrace({ from: 140, to: 200, every: 5, arrivalRate: 1000, ackRate: 1000, ready: 8, inFlight: 20 });
    const d = decideReplicas(input({ samples, currentReplicas: 8, previousPerReplicaRate: 400, recommendations: recs(150, 195, 3) }));
    expect(d).toMatchObject({ desired: 8, direction: 'none', reason: 'scale-down-stabilizing' });
  });

  it('removes at most maxStepDown replicas per decision', () => {
    const samples = steadyTrace({ from: 140, to: 200, every: 5, arrivalRate: 1000, ackRate: 1000, ready: 8, inFlight: 20 });
    const d = decideReplicas(input({ samples, currentReplicas: 8, previousPerReplicaRate: 400, recommendations: recs(80, 195, 3), policy: policy({ maxStepDown: 2 }) }));
    expect(d).toMatchObject({ desired: 6, limitedBy: 'max-step' });
  });

  it('does not scale down on the first reading of a new backlog either', () => {
    const quiet = steadyTrace({ from: 140, to: 195, every: 5, arrivalRate: 1000, ackRate: 1000, ready: 8, inFlight: 20 });
    const last = quiet.at(-1)!;
    const samples = [...quiet, { ...last, atMs: 200_000, pending: 50_000, deliveredSeq: last.deliveredSeq + 5000 - 50_000 + 50_000 }];
    const d = decideReplicas(input({ samples, currentReplicas: 8, previousPerReplicaRate: 400, recommendations: recs(80, 195, 3) }));
    expect(d.estimates.backlogAgeSeconds).toBe(0);
    expect(d.direction).not.toBe('down');
  });

  it('never scales down while a backlog is being worked off', () => {
    const samples = steadyTrace({ from: 170, to: 200, every: 5, arrivalRate: 1000, ackRate: 4000, ready: 10, backlog: 100_000 });
    const d = decideReplicas(input({ samples, currentReplicas: 10, recommendations: recs(80, 195, 3) }));
    expect(d.estimates.rawReplicas).toBeLessThan(4);
    expect(d).toMatchObject({ desired: 10, direction: 'none', recommendation: { replicas: 10 } });
  });
});

describe('decideReplicas: no traffic', () => {
  const idle = steadyTrace({ from: 140, to: 200, every: 5, arrivalRate: 0, ackRate: 0, ready: 4 });

  it('goes to minReplicas once the scale-down window has passed', () => {
    const d = decideReplicas(input({ samples: idle, currentReplicas: 4, recommendations: recs(80, 195, 1), policy: policy({ minReplicas: 2 }) }));
    expect(d).toMatchObject({ desired: 2, direction: 'down', reason: 'idle' });
  });

  it('never goes to zero unless allowed', () => {
    const d = decideReplicas(input({ samples: idle, currentReplicas: 4, recommendations: recs(80, 195, 1) }));
    expect(d.desired).toBe(1);
  });

  it('goes to zero with allowScaleToZero and minReplicas 0, and back to one when messages arrive', () => {
    const p = policy({ minReplicas: 0, allowScaleToZero: true });
    expect(decideReplicas(input({ samples: idle, currentReplicas: 4, recommendations: recs(80, 195, 0), policy: p })).desired).toBe(0);
    const arriving = steadyTrace({ from: 0, to: 10, every: 5, arrivalRate: 10, ackRate: 0, ready: 0 });
    expect(decideReplicas(input({ samples: arriving, currentReplicas: 0, policy: p }))).toMatchObject({ desired: 1, reason: 'scale-up' });
  });
});

describe('decideReplicas: missing data', () => {
  it('holds when NATS cannot be reached, recording no recommendation', () => {
    const samples: LagSample[] = [...spike, { ok: false, atMs: 65_000, error: 'CONNECTION_REFUSED' }];
    const d = decideReplicas(input({ samples, currentReplicas: 3 }));
    expect(d).toMatchObject({ desired: 3, direction: 'none', reason: 'nats-unreachable' });
    expect(d.recommendation).toBeUndefined();
    expect(d.message).toContain('CONNECTION_REFUSED');
  });

  it('holds when the newest reading is older than three poll intervals', () => {
    expect(decideReplicas(input({ samples: spike, currentReplicas: 3, nowMs: 76_000 }))).toMatchObject({ desired: 3, reason: 'stale-data' });
  });

  it('holds until a second reading gives an arrival rate', () => {
    expect(decideReplicas(input({ samples: spike.slice(0, 1), currentReplicas: 3 }))).toMatchObject({ desired: 3, reason: 'warming-up' });
  });

  it('still enforces the bounds while holding', () => {
    const samples: LagSample[] = [{ ok: false, atMs: 0, error: 'TIMEOUT' }];
    expect(decideReplicas(input({ samples, currentReplicas: 40 })).desired).toBe(10);
  });

  it('skips a failed poll in the middle of the history', () => {
    const samples: LagSample[] = [...spike.slice(0, 6), { ok: false, atMs: 27_000, error: 'TIMEOUT' }, ...spike.slice(6)];
    expect(decideReplicas(input({ samples, currentReplicas: 3 })).estimates).toMatchObject({ arrivalRate: 1000, perReplicaRate: 400 });
  });
});

describe('decideReplicas: a counter reset', () => {
  it('ignores the interval in which the consumer was recreated', () => {
    const before = readings([
      { t: 0, arrived: 500_000, acked: 400_000, ready: 2 },
      { t: 5, arrived: 505_000, acked: 404_000, ready: 2 },
    ]);
    const after = readings([
      { t: 10, arrived: 100_000, acked: 0, ready: 2 },
      { t: 15, arrived: 105_000, acked: 4_000, ready: 2 },
      { t: 20, arrived: 110_000, acked: 8_000, ready: 2 },
    ]);
    const d = decideReplicas(input({ samples: [...before, ...after], currentReplicas: 2 }));
    expect(d.estimates).toMatchObject({ arrivalRate: 1000, perReplicaRate: 400 });
  });
});
