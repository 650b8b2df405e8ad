/** The autoscaling knobs of an EventPipeline (spec.autoscaling) plus the consumer's in-flight cap. */
export interface AutoscalingPolicy {
  minReplicas: number;
  maxReplicas: number;
  targetDrainSeconds: number;
  lagPerReplicaFallback: number;
  rateWindowSeconds: number;
  scaleUpStabilizationSeconds: number;
  scaleDownStabilizationSeconds: number;
  maxStepUp: number;
  maxStepDown: number;
  pollIntervalSeconds: number;
  allowScaleToZero: boolean;
}

/** The fewest replicas ever set: minReplicas, and never 0 unless scale-to-zero is allowed. */
export const replicaFloor = (p: AutoscalingPolicy) => (p.allowScaleToZero ? p.minReplicas : Math.max(1, p.minReplicas));

/** How far back samples and recommendations must be kept for every estimate and window. */
export function historyHorizonMs(p: AutoscalingPolicy): number {
  const seconds = Math.max(p.rateWindowSeconds, p.targetDrainSeconds, p.scaleUpStabilizationSeconds, p.scaleDownStabilizationSeconds);
  return (seconds + 2 * p.pollIntervalSeconds) * 1000;
}
