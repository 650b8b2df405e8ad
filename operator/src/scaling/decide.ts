import { replicaFloor, type AutoscalingPolicy } from './autoscaling-policy.ts';
import { lagOf, type LagReading, type LagSample, type Recommendation } from './lag-sample.ts';
import { arrivalRate, backlogAgeSeconds, perReplicaRate } from './rate-estimates.ts';
import { stabilize } from './stabilization.ts';

export type DecisionReason =
  /** The latest poll could not read the consumer: keep the replicas as they are. */
  | 'nats-unreachable'
  /** No reading within the last few poll intervals. */
  | 'stale-data'
  /** Fewer than two readings: no arrival rate yet. */
  | 'warming-up'
  /** Nothing arrives and nothing waits: minReplicas. */
  | 'idle'
  | 'scale-up'
  | 'scale-down'
  | 'at-target'
  /** The recommendation is higher, but not for the whole scale-up window yet. */
  | 'scale-up-stabilizing'
  /** The recommendation is lower, but not for the whole scale-down window yet. */
  | 'scale-down-stabilizing'
  /** Every message the consumer may hand out is in flight: more replicas would get nothing to do. */
  | 'ack-pending-limit';

export type PerReplicaRateSource = 'measured' | 'previous' | 'fallback';

export interface DecisionInput {
  nowMs: number;
  /** spec.replicas of the Deployment's scale subresource. */
  currentReplicas: number;
  /** Readings and failures, oldest first, covering at least historyHorizonMs. */
  samples: readonly LagSample[];
  /** Earlier recommendations (from earlier decisions), oldest first. */
  recommendations: readonly Recommendation[];
  /** The last measured per-replica rate (kept in the status), used while the window has none. */
  previousPerReplicaRate?: number;
  /** The consumer's max_ack_pending. */
  maxAckPending: number;
  policy: AutoscalingPolicy;
}

export interface Estimates {
  lag?: number;
  pending?: number;
  ackPending?: number;
  arrivalRate?: number;
  perReplicaRate?: number;
  perReplicaRateSource?: PerReplicaRateSource;
  backlogAgeSeconds?: number;
  /** The drain time the recommendation aims for: what is left of targetDrainSeconds. */
  drainSeconds?: number;
  /** Replicas the formula asks for before rounding, clamping and stabilization. */
  rawReplicas?: number;
}

export interface Decision {
  desired: number;
  direction: 'up' | 'down' | 'none';
  reason: DecisionReason;
  /** To append to the recommendation history; absent when the decision was a hold for lack of data. */
  recommendation?: Recommendation;
  limitedBy?: 'max-replicas' | 'max-step';
  estimates: Estimates;
  message: string;
}

/** Readings older than this many poll intervals do not count as current. */
const STALE_POLLS = 3;
/** A backlog older than its drain target is aimed to be gone within this fraction of the target. */
const LATE_DRAIN_FRACTION = 0.25;
/**
 * Replicas asked for round up only past this fraction of a replica: messages
 * in flight always make the lag term a little positive, and a replica more
 * for 8.004 replicas of work would be waste. A real shortfall grows the lag
 * until it crosses the tolerance.
 */
const ROUNDING_TOLERANCE = 0.1;
/** Busy time (in poll intervals) needed before a measured per-replica rate is trusted. */
const MIN_BUSY_POLLS = 2;

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The autoscaling decision, a pure function of the readings so far:
 *
 *   replicas = ceil((arrivalRate + lag / drainSeconds) / perReplicaRate)
 *
 * enough replicas to keep up with arrivals and work off the backlog within
 * what is left of targetDrainSeconds since the backlog appeared. Then
 * clamped to [minReplicas, maxReplicas], stabilized (stabilization.ts) and
 * limited to maxStepUp/maxStepDown per decision. Without a measured rate the
 * KEDA-style ceil(lag / lagPerReplicaFallback) stands in.
 */
export function decideReplicas(input: DecisionInput): Decision {
  const { policy: p, nowMs, currentReplicas: current } = input;
  const floor = replicaFloor(p);
  const hold = (reason: DecisionReason, message: string, estimates: Estimates = {}): Decision => {
    const desired = clamp(current, floor, p.maxReplicas);
    return { desired, direction: direction(current, desired), reason, estimates, message };
  };

  const latest = input.samples.at(-1);
  if (latest !== undefined && !latest.ok) return hold('nats-unreachable', `holding at ${current}: cannot read the consumer (${latest.error})`);
  const pollMs = p.pollIntervalSeconds * 1000;
  if (latest === undefined || nowMs - latest.atMs > STALE_POLLS * pollMs) {
    return hold('stale-data', `holding at ${current}: no consumer reading in the last ${STALE_POLLS * p.pollIntervalSeconds}s`);
  }
  const windowStart = nowMs - p.rateWindowSeconds * 1000;
  const readings = input.samples.filter((s): s is LagReading => s.ok);
  const windowed = readings.filter((r) => r.atMs >= windowStart);
  const lag = lagOf(latest);
  const base: Estimates = { lag, pending: latest.pending, ackPending: latest.ackPending };
  const arrival = arrivalRate(windowed);
  if (arrival === undefined) return hold('warming-up', `holding at ${current}: waiting for a second consumer reading`, base);

  const measured = perReplicaRate(windowed, MIN_BUSY_POLLS * p.pollIntervalSeconds);
  const [rate, source]: [number | undefined, PerReplicaRateSource] =
    measured !== undefined
      ? [measured, 'measured']
      : input.previousPerReplicaRate !== undefined && input.previousPerReplicaRate > 0
        ? [input.previousPerReplicaRate, 'previous']
        : [undefined, 'fallback'];

  // A backlog is more waiting than one poll's worth of arrivals.
  const drainedPending = arrival * p.pollIntervalSeconds;
  const backlog = latest.pending > drainedPending;
  const age = backlogAgeSeconds(readings, drainedPending, nowMs);
  const drainSeconds = Math.max(p.targetDrainSeconds - age, p.targetDrainSeconds * LATE_DRAIN_FRACTION, p.pollIntervalSeconds);
  const raw = rate === undefined ? lag / p.lagPerReplicaFallback : (arrival + lag / drainSeconds) / rate;
  const estimates: Estimates = {
    ...base,
    arrivalRate: round(arrival),
    perReplicaRate: rate === undefined ? undefined : round(rate),
    perReplicaRateSource: source,
    backlogAgeSeconds: round(age),
    drainSeconds: round(drainSeconds),
    rawReplicas: round(raw),
  };

  let wanted = Math.ceil(raw - ROUNDING_TOLERANCE);
  // A backlog is never worked off with fewer replicas than it has now: scaling
  // down halfway would stretch the drain past its deadline, and holding makes
  // the scale-down after it one step instead of a staircase.
  if (backlog) wanted = Math.max(wanted, current);
  // Work waiting always gets at least one replica, even when scale-to-zero is allowed.
  const recommended = clamp(lag > 0 ? Math.max(wanted, 1) : wanted, floor, p.maxReplicas);
  const recommendation = { atMs: nowMs, replicas: recommended };
  const history = [...input.recommendations, recommendation];
  const stable = stabilize(current, history, nowMs, p.scaleUpStabilizationSeconds, p.scaleDownStabilizationSeconds, pollMs);
  const why = describe(estimates, rate === undefined ? p.lagPerReplicaFallback : undefined);

  if (stable.kind === 'hold') {
    const desired = clamp(current, floor, p.maxReplicas);
    const reason: DecisionReason =
      stable.pending === 'up' ? 'scale-up-stabilizing' : stable.pending === 'down' ? 'scale-down-stabilizing' : lag === 0 && arrival === 0 ? 'idle' : 'at-target';
    return { desired, direction: direction(current, desired), reason, recommendation, estimates, message: `${current} replicas (recommended ${recommended}): ${why}` };
  }
  if (stable.kind === 'up') {
    if (latest.ackPending >= input.maxAckPending && current > 0) {
      return {
        desired: current,
        direction: 'none',
        reason: 'ack-pending-limit',
        recommendation,
        estimates,
        message: `holding at ${current}: all ${input.maxAckPending} messages the consumer may have in flight are out (maxAckPending); more replicas would get none`,
      };
    }
    const desired = Math.min(stable.target, current + p.maxStepUp);
    const limitedBy = desired < stable.target ? 'max-step' : wanted > p.maxReplicas ? 'max-replicas' : undefined;
    return { desired, direction: 'up', reason: 'scale-up', recommendation, limitedBy, estimates, message: `scale up ${current}→${desired}: ${why}` };
  }
  const desired = Math.max(stable.target, current - p.maxStepDown);
  const reason: DecisionReason = lag === 0 && arrival === 0 ? 'idle' : 'scale-down';
  return {
    desired,
    direction: 'down',
    reason,
    recommendation,
    limitedBy: desired > stable.target ? 'max-step' : undefined,
    estimates,
    message: `scale down ${current}→${desired}: ${why}`,
  };
}

function describe(e: Estimates, fallbackLagPerReplica: number | undefined): string {
  const lag = `lag ${e.lag}`;
  if (fallbackLagPerReplica !== undefined) return `${lag}, ${e.arrivalRate}/s arriving, no processing rate measured yet: ${fallbackLagPerReplica} lag per replica`;
  return `${lag}, ${e.arrivalRate}/s arriving, ${e.perReplicaRate}/s per replica (${e.perReplicaRateSource}), drain within ${e.drainSeconds}s`;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const direction = (from: number, to: number) => (to > from ? 'up' : to < from ? 'down' : 'none');
