import type { EventPipelineStatus } from '../crd/event-pipeline.ts';
import type { Decision } from '../scaling/decide.ts';
import { setCondition } from './conditions.ts';

/** Something that keeps the pipeline from working as declared: Degraded, and Ready=False unless only a warning. */
export interface Problem {
  reason: 'InvalidSpec' | 'JetStreamError' | 'NatsUnreachable' | 'DeploymentNotFound' | 'ImmutableFields' | 'KubernetesError';
  message: string;
  /** The pipeline still moves messages and scales (e.g. an immutable stream field differs). */
  warningOnly?: boolean;
}

export interface ReconcileOutcome {
  generation: number;
  problems: Problem[];
  streamOwned?: boolean;
  consumerOwned?: boolean;
  currentReplicas?: number;
  decision?: Decision;
  /** Set when this round changed the replica count. */
  scaled?: { atIso: string; message: string };
}

const SCALING_REASON: Record<Decision['reason'], string> = {
  'nats-unreachable': 'HoldNoData',
  'stale-data': 'HoldNoData',
  'warming-up': 'WarmingUp',
  idle: 'Idle',
  'scale-up': 'ScaledUp',
  'scale-down': 'ScaledDown',
  'at-target': 'AtTarget',
  'scale-up-stabilizing': 'ScaleUpStabilizing',
  'scale-down-stabilizing': 'ScaleDownStabilizing',
  'ack-pending-limit': 'AckPendingLimit',
};

export const scalingReason = (d: Decision) => SCALING_REASON[d.reason];

/**
 * The status for one reconcile round: the latest estimates, the replica
 * counts and the three conditions. Ready says the pipeline works (stream,
 * consumer, Deployment, a fresh lag reading); Scaling whether the replica
 * count is changing or about to; Degraded names what is wrong.
 */
export function buildStatus(previous: EventPipelineStatus | undefined, o: ReconcileOutcome, nowIso: string): EventPipelineStatus {
  const e = o.decision?.estimates;
  const status: EventPipelineStatus = {
    ...previous,
    observedGeneration: o.generation,
    ...(o.streamOwned === undefined ? {} : { streamOwned: o.streamOwned }),
    ...(o.consumerOwned === undefined ? {} : { consumerOwned: o.consumerOwned }),
    ...(o.currentReplicas === undefined ? {} : { currentReplicas: o.currentReplicas }),
    ...(o.decision === undefined ? {} : { desiredReplicas: o.decision.desired }),
    ...(e?.lag === undefined ? {} : { lag: e.lag, pending: e.pending, ackPending: e.ackPending }),
    ...(e?.arrivalRate === undefined ? {} : { arrivalRate: e.arrivalRate }),
    ...(e?.perReplicaRate === undefined ? {} : { perReplicaRate: e.perReplicaRate }),
    ...(e?.perReplicaRateSource === undefined ? {} : { perReplicaRateSource: e.perReplicaRateSource }),
    ...(o.scaled === undefined ? {} : { lastScaleTime: o.scaled.atIso, lastScaleReason: o.scaled.message }),
  };
  const blocking = o.problems.filter((p) => !p.warningOnly);
  const generation = { observedGeneration: o.generation };
  let conditions = status.conditions;
  conditions = setCondition(
    conditions,
    blocking.length === 0
      ? { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'stream, consumer and Deployment are in place and the lag is being read', ...generation }
      : { type: 'Ready', status: 'False', reason: blocking[0]!.reason, message: blocking.map((p) => p.message).join('; '), ...generation },
    nowIso,
  );
  conditions = setCondition(
    conditions,
    o.problems.length === 0
      ? { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '', ...generation }
      : { type: 'Degraded', status: 'True', reason: o.problems[0]!.reason, message: o.problems.map((p) => p.message).join('; '), ...generation },
    nowIso,
  );
  if (o.decision !== undefined) {
    const d = o.decision;
    const moving = d.direction !== 'none' || d.reason === 'scale-up-stabilizing' || d.reason === 'scale-down-stabilizing';
    conditions = setCondition(conditions, { type: 'Scaling', status: moving ? 'True' : 'False', reason: scalingReason(d), message: d.message, ...generation }, nowIso);
  }
  return { ...status, conditions };
}
