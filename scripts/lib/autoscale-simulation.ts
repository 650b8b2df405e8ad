// A queue simulation for comparing autoscaling policies on lag traces: events
// arrive per a trace, ready replicas work them off at a fixed per-replica
// rate, and a policy reads the consumer state every so often and sets the
// replica count. One step is one second. Pure and deterministic.
import type { LagReading } from "../../operator/src/scaling/lag-sample.ts";

export interface Trace {
  name: string;
  seconds: number;
  /** Events arriving during second t (0-based). */
  arrivals(t: number): number;
}

export interface SimConfig {
  /** Events per second one ready replica processes. */
  perReplicaRate: number;
  /** Seconds from a scale-up until the new replica processes (pod start). */
  startupSeconds: number;
  /** Events a busy replica holds delivered-but-unacknowledged (ackPending). */
  inFlightPerReplica: number;
  initialReplicas: number;
  /** A backlog is more undelivered events than this many seconds of arrivals (the operator's poll interval). */
  caughtUpSeconds: number;
  /** Seconds run at the trace's starting load before measuring, so every policy starts from its own steady state. */
  warmupSeconds: number;
}

export interface PolicyView {
  t: number;
  reading: LagReading;
  /** The replica count last set (the Deployment's spec.replicas). */
  currentReplicas: number;
}

export interface ScalingPolicy {
  name: string;
  /** Seconds between decisions. */
  periodSeconds: number;
  decide(view: PolicyView): number;
}

export interface SimStep {
  t: number;
  arrivals: number;
  desired: number;
  ready: number;
  pending: number;
  lag: number;
}

export interface SimResult {
  trace: string;
  policy: string;
  steps: SimStep[];
  /**
   * Longest stretch of seconds with a backlog (see hasBacklog). One still open
   * when the trace ends is followed to its end; Infinity if it outlasts MAX_TAIL_SECONDS.
   */
  longestBacklogSeconds: number;
  peakReplicas: number;
  /** Σ replicas set over every second: what the replicas cost, starting pods included. */
  replicaSeconds: number;
  scaleChanges: number;
}

/** How long a backlog open at the end of a trace is followed, at the trace's last load. */
export const MAX_TAIL_SECONDS = 3600;

/** More undelivered events than `caughtUpSeconds` of arrivals (and at least one) is a backlog. */
export function hasBacklog(pending: number, arrivalsPerSecond: number, caughtUpSeconds: number): boolean {
  return pending > Math.max(1, arrivalsPerSecond * caughtUpSeconds);
}

/** Replicas able to work at second t, given the seconds at which each replica was requested. */
export function readyReplicas(startedAt: readonly number[], t: number, startupSeconds: number): number {
  return startedAt.filter((s) => t - s >= startupSeconds).length;
}

/** Durations of consecutive runs of `true`; a run still open at the end counts as Infinity. */
export function longestRun(flags: readonly boolean[]): number {
  let longest = 0;
  let run = 0;
  for (const f of flags) {
    run = f ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return flags.at(-1) === true ? Infinity : longest;
}

export function simulate(trace: Trace, policy: ScalingPolicy, cfg: SimConfig): SimResult {
  // Newest last, so scale-down removes the most recently started replicas first.
  let startedAt: number[] = Array.from({ length: cfg.initialReplicas }, () => -cfg.warmupSeconds - cfg.startupSeconds);
  let arrived = 0;
  let acked = 0;
  let scaleChanges = 0;
  const steps: SimStep[] = [];
  const backlog: boolean[] = [];
  for (let t = -cfg.warmupSeconds; t < trace.seconds + MAX_TAIL_SECONDS; t++) {
    // Past the trace's end the load stays at its last value, only until the backlog open then is gone.
    const tail = t >= trace.seconds;
    if (tail && backlog.at(-1) !== true) break;
    const desired = startedAt.length;
    const ready = readyReplicas(startedAt, t, cfg.startupSeconds);
    const incoming = trace.arrivals(Math.min(Math.max(0, t), trace.seconds - 1));
    arrived += incoming;
    acked += Math.min(arrived - acked, ready * cfg.perReplicaRate);
    const queue = arrived - acked;
    const ackPending = Math.min(queue, ready * cfg.inFlightPerReplica);
    const pending = queue - ackPending;
    if (t >= 0) backlog.push(hasBacklog(pending, incoming, cfg.caughtUpSeconds));
    if (t >= 0 && !tail) steps.push({ t, arrivals: incoming, desired, ready, pending, lag: queue });
    if (t % policy.periodSeconds === 0) {
      const reading: LagReading = { ok: true, atMs: t * 1000, pending, ackPending, deliveredSeq: acked + ackPending, ackFloorSeq: acked, replicas: ready };
      const next = policy.decide({ t, reading, currentReplicas: desired });
      if (next !== desired) {
        if (t >= 0 && !tail) scaleChanges++;
        startedAt = next > desired ? [...startedAt, ...Array.from({ length: next - desired }, () => t)] : startedAt.slice(0, next);
      }
    }
  }
  return {
    trace: trace.name,
    policy: policy.name,
    steps,
    longestBacklogSeconds: longestRun(backlog),
    peakReplicas: Math.max(...steps.map((s) => s.desired)),
    replicaSeconds: steps.reduce((sum, s) => sum + s.desired, 0),
    scaleChanges,
  };
}
