import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideReplicas, type Decision } from '../src/scaling/decide.ts';
import type { LagReading } from '../src/scaling/lag-sample.ts';
import { ScalingHistory } from '../src/scaling/scaling-history.ts';
import { policy } from './fixtures/lag-readings.ts';

// Consumer readings taken from a real nats-server by jetstream/lag-reader.ts (see `recorded` in the file).
const trace = JSON.parse(readFileSync(new URL('./fixtures/recorded-lag-trace.json', import.meta.url), 'utf8')) as { recorded: string; samples: LagReading[] };
const samples = trace.samples;
const fast = policy({ pollIntervalSeconds: 1, rateWindowSeconds: 10, targetDrainSeconds: 20, scaleUpStabilizationSeconds: 0, scaleDownStabilizationSeconds: 10, maxReplicas: 20 });
const upTo = (seconds: number) => samples.filter((s) => s.atMs <= seconds * 1000 + 500);

describe('a lag trace recorded from a real JetStream consumer', () => {
  it('yields the arrival rate and per-replica rate it was recorded with', () => {
    const during = upTo(29);
    const d = decideReplicas({ nowMs: during.at(-1)!.atMs, currentReplicas: 2, samples: during, recommendations: [], maxAckPending: 2000, policy: fast });
    expect(d.estimates.arrivalRate).toBeGreaterThan(360);
    expect(d.estimates.arrivalRate).toBeLessThan(440);
    expect(d.estimates.perReplicaRateSource).toBe('measured');
    expect(d.estimates.perReplicaRate).toBeGreaterThan(225);
    expect(d.estimates.perReplicaRate).toBeLessThan(275);
    // (400 + 3093 / (20 − 13)) / 250 ≈ 3.4 → 4: keep up and drain in what is left of 20 s.
    expect(d).toMatchObject({ desired: 4, direction: 'up' });
  });

  it('replayed poll by poll: scales up for the burst, never down while it drains, down once it is gone', () => {
    const history = new ScalingHistory();
    const decisions: { t: number; pending: number; d: Decision }[] = [];
    for (const s of samples) {
      history.add(s);
      decisions.push({ t: s.atMs / 1000, pending: s.pending, d: history.decide(s.atMs, s.replicas, fast, 2000) });
    }
    expect(decisions.filter((x) => x.t < 15).every((x) => x.d.desired <= 2)).toBe(true);
    expect(decisions.some((x) => x.t > 15 && x.t < 30 && x.d.direction === 'up')).toBe(true);
    expect(decisions.filter((x) => x.pending > 0).every((x) => x.d.direction !== 'down')).toBe(true);
    expect(decisions.filter((x) => x.t > 50).some((x) => x.d.direction === 'down' && x.d.desired === 2)).toBe(true);
  });
});
