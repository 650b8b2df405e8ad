// Arrival traces for the autoscaling benchmark, sized by the measured
// per-replica throughput so that they stress any machine the same way.
import { sfc32 } from "./random.ts";
import type { Trace } from "./autoscale-simulation.ts";

/** Steady load of `baseReplicas` replicas' worth, then `burstEvents` arriving within `burstSeconds`. */
export function burstTrace(perReplicaRate: number, o: { baseReplicas: number; burstEvents: number; burstAt: number; burstSeconds: number; seconds: number }): Trace {
  const base = o.baseReplicas * perReplicaRate;
  return {
    name: `burst of ${o.burstEvents.toLocaleString("en-US")} events`,
    seconds: o.seconds,
    arrivals: (t) => base + (t >= o.burstAt && t < o.burstAt + o.burstSeconds ? o.burstEvents / o.burstSeconds : 0),
  };
}

/** Load rising linearly from `fromReplicas` to `toReplicas` replicas' worth over `rampSeconds`, then flat. */
export function rampTrace(perReplicaRate: number, o: { fromReplicas: number; toReplicas: number; rampSeconds: number; seconds: number }): Trace {
  return {
    name: `ramp ${o.fromReplicas}→${o.toReplicas} replicas' worth over ${o.rampSeconds}s`,
    seconds: o.seconds,
    arrivals: (t) => perReplicaRate * (o.fromReplicas + (o.toReplicas - o.fromReplicas) * Math.min(1, t / o.rampSeconds)),
  };
}

/** Steady `meanReplicas` replicas' worth with uniform ±`noise` (fraction) per second, reproducible by seed. */
export function noisyTrace(perReplicaRate: number, o: { meanReplicas: number; noise: number; seconds: number; seed: number }): Trace {
  const next = sfc32(o.seed);
  const values = Array.from({ length: o.seconds }, () => perReplicaRate * o.meanReplicas * (1 + o.noise * (2 * (next() / 0x1_0000_0000) - 1)));
  return { name: `noisy steady ${o.meanReplicas} replicas' worth ±${Math.round(o.noise * 100)}%`, seconds: o.seconds, arrivals: (t) => values[t] ?? 0 };
}
