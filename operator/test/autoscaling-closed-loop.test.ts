import { describe, expect, it } from 'vitest';
import { operatorPolicy } from '../../scripts/lib/autoscale-policies.ts';
import { simulate, type SimConfig, type SimResult, type Trace } from '../../scripts/lib/autoscale-simulation.ts';
import { burstTrace, noisyTrace, rampTrace } from '../../scripts/lib/autoscale-traces.ts';
import { policy } from './fixtures/lag-readings.ts';

// The decision function driving a simulated queue, poll by poll, as the operator would.
const mu = 1000;
const cfg: SimConfig = { perReplicaRate: mu, startupSeconds: 10, inFlightPerReplica: 50, initialReplicas: 3, caughtUpSeconds: 5, warmupSeconds: 300 };
const run = (trace: Trace) => simulate(trace, operatorPolicy(policy({ maxReplicas: 30 }), 1_000_000), cfg);

/** Seconds between consecutive changes in opposite directions (up then down, or down then up). */
function reversals(r: SimResult): number[] {
  const changes: { t: number; dir: number }[] = [];
  for (let i = 1; i < r.steps.length; i++) {
    const d = r.steps[i]!.desired - r.steps[i - 1]!.desired;
    if (d !== 0) changes.push({ t: r.steps[i]!.t, dir: Math.sign(d) });
  }
  const out: number[] = [];
  for (let i = 1; i < changes.length; i++) if (changes[i]!.dir !== changes[i - 1]!.dir) out.push(changes[i]!.t - changes[i - 1]!.t);
  return out;
}

describe('the decision function in a closed loop', () => {
  it('drains a burst within the drain target, in few steps', () => {
    const r = run(burstTrace(mu, { baseReplicas: 2.5, burstEvents: 200 * mu, burstAt: 120, burstSeconds: 20, seconds: 900 }));
    expect(r.longestBacklogSeconds).toBeLessThanOrEqual(120);
    expect(r.scaleChanges).toBeLessThanOrEqual(4);
    expect(r.steps.at(-1)!.desired).toBe(3);
  });

  it('follows a ramp upwards without ever removing a replica, and keeps the backlog within the target', () => {
    const r = run(rampTrace(mu, { fromReplicas: 1, toReplicas: 8, rampSeconds: 600, seconds: 900 }));
    const during = r.steps.filter((s) => s.t <= 600).map((s) => s.desired);
    expect(during.every((n, i) => i === 0 || n >= during[i - 1]!)).toBe(true);
    expect(r.longestBacklogSeconds).toBeLessThanOrEqual(120);
    expect(r.steps.at(-1)!.desired).toBeGreaterThanOrEqual(8);
    expect(r.steps.at(-1)!.desired).toBeLessThanOrEqual(9);
  });

  it('does not flap on noisy steady load', () => {
    for (const seed of [1, 2, 3]) {
      const r = run(noisyTrace(mu, { meanReplicas: 2.5, noise: 0.3, seconds: 1800, seed }));
      expect(r.scaleChanges).toBeLessThanOrEqual(2);
      expect(reversals(r).every((gap) => gap >= 120)).toBe(true);
      expect(r.longestBacklogSeconds).toBeLessThanOrEqual(120);
    }
  });

  it('settles at minReplicas when nothing arrives', () => {
    const r = run({ name: 'nothing', seconds: 600, arrivals: () => 0 });
    expect(r.steps.at(-1)!.desired).toBe(1);
  });
});
