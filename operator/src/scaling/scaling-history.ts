import { historyHorizonMs, type AutoscalingPolicy } from './autoscaling-policy.ts';
import { decideReplicas, type Decision } from './decide.ts';
import type { LagSample, Recommendation } from './lag-sample.ts';

/**
 * What one EventPipeline's autoscaler remembers between polls: recent
 * readings, recent recommendations and the last measured per-replica rate.
 * Kept in memory by the leader; a newly elected leader starts empty and
 * seeds the rate from the status, and stabilization keeps it from scaling
 * down before it has seen a whole window.
 */
export class ScalingHistory {
  private samples: LagSample[] = [];
  private recommendations: Recommendation[] = [];
  private measuredRate: number | undefined;

  constructor(previousPerReplicaRate?: number) {
    this.measuredRate = previousPerReplicaRate;
  }

  add(sample: LagSample): void {
    this.samples.push(sample);
  }

  decide(nowMs: number, currentReplicas: number, policy: AutoscalingPolicy, maxAckPending: number): Decision {
    const horizon = nowMs - historyHorizonMs(policy);
    this.samples = this.samples.filter((s) => s.atMs >= horizon);
    this.recommendations = this.recommendations.filter((r) => r.atMs >= horizon);
    const decision = decideReplicas({
      nowMs,
      currentReplicas,
      samples: this.samples,
      recommendations: this.recommendations,
      previousPerReplicaRate: this.measuredRate,
      maxAckPending,
      policy,
    });
    if (decision.recommendation) this.recommendations.push(decision.recommendation);
    if (decision.estimates.perReplicaRateSource === 'measured') this.measuredRate = decision.estimates.perReplicaRate;
    return decision;
  }
}
