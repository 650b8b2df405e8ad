// The two policies the autoscaling benchmark compares: the operator's own
// decision function (driven through the same ScalingHistory the operator
// uses) and a KEDA-style lag threshold fed to an HPA with default behaviour.
import type { AutoscalingPolicy } from "../../operator/src/scaling/autoscaling-policy.ts";
import { ScalingHistory } from "../../operator/src/scaling/scaling-history.ts";
import type { ScalingPolicy } from "./autoscale-simulation.ts";

export function operatorPolicy(policy: AutoscalingPolicy, maxAckPending: number): ScalingPolicy {
  const history = new ScalingHistory();
  return {
    name: "operator",
    periodSeconds: policy.pollIntervalSeconds,
    decide: ({ t, reading, currentReplicas }) => {
      history.add(reading);
      return history.decide(t * 1000, currentReplicas, policy, maxAckPending).desired;
    },
  };
}

export interface KedaHpaOptions {
  /** KEDA's lagThreshold: the target average lag per replica. */
  lagThreshold: number;
  minReplicas: number;
  maxReplicas: number;
  /** HPA defaults below: --horizontal-pod-autoscaler-sync-period, tolerance, behavior. */
  syncSeconds?: number;
  tolerance?: number;
  scaleDownStabilizationSeconds?: number;
  scaleUpPercent?: number;
  scaleUpPods?: number;
}

/** The HPA's replica count for an AverageValue metric target, with its tolerance band. */
export function hpaRecommendation(lag: number, current: number, lagThreshold: number, tolerance: number): number {
  // KEDA activates a Deployment at zero itself; the HPA never sees 0 replicas.
  if (current === 0) return lag > 0 ? 1 : 0;
  const ratio = lag / current / lagThreshold;
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.ceil(lag / lagThreshold);
}

/**
 * KEDA's NATS JetStream scaler (metric: consumer lag, target lagThreshold per
 * replica) behind an HPA with default behavior: no scale-up stabilization,
 * scale-up by at most max(100%, 4 pods) per sync period, scale-down to the
 * highest recommendation of the last 300 s, synced every 15 s.
 */
export function kedaHpaPolicy(o: KedaHpaOptions): ScalingPolicy {
  const sync = o.syncSeconds ?? 15;
  const tolerance = o.tolerance ?? 0.1;
  const downWindow = o.scaleDownStabilizationSeconds ?? 300;
  const upPercent = o.scaleUpPercent ?? 100;
  const upPods = o.scaleUpPods ?? 4;
  const recommendations: { t: number; replicas: number }[] = [];
  return {
    name: `keda-hpa(lagThreshold=${o.lagThreshold})`,
    periodSeconds: sync,
    decide: ({ t, reading, currentReplicas: current }) => {
      const lag = reading.pending + reading.ackPending;
      const rec = Math.min(o.maxReplicas, Math.max(o.minReplicas, hpaRecommendation(lag, current, o.lagThreshold, tolerance)));
      recommendations.push({ t, replicas: rec });
      while (recommendations[0]!.t < t - downWindow) recommendations.shift();
      const downRec = Math.max(...recommendations.map((r) => r.replicas));
      let next = current;
      if (rec > current) next = rec;
      else if (downRec < current) next = downRec;
      const upLimit = Math.max(Math.floor(current * (1 + upPercent / 100)), current + upPods);
      return Math.min(next, upLimit, o.maxReplicas);
    },
  };
}
