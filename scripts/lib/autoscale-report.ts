// Pure parts of the autoscaling benchmark's report: choosing the KEDA-style
// threshold to compare against, the verdict, and the table.
import type { SimResult } from "./autoscale-simulation.ts";

export interface ThresholdRun {
  lagThreshold: number;
  results: SimResult[];
}

/**
 * The KEDA-style configuration to compare with: the largest lagThreshold (the
 * cheapest one) that still drains every trace within the drain target, so
 * both policies are held to the same service level. Without such a
 * threshold, the one with the shortest worst backlog.
 */
export function pickThreshold(runs: readonly ThresholdRun[], drainTargetSeconds: number): ThresholdRun {
  const worst = (r: ThresholdRun) => Math.max(...r.results.map((x) => x.longestBacklogSeconds));
  const meeting = runs.filter((r) => worst(r) <= drainTargetSeconds);
  if (meeting.length > 0) return meeting.reduce((a, b) => (b.lagThreshold > a.lagThreshold ? b : a));
  return runs.reduce((a, b) => (worst(b) < worst(a) ? b : a));
}

export interface Verdict {
  trace: string;
  drainedInTime: boolean;
  fewerChanges: boolean;
  noMoreReplicaSeconds: boolean;
}

export function verdict(ours: SimResult, keda: SimResult, drainTargetSeconds: number): Verdict {
  return {
    trace: ours.trace,
    drainedInTime: ours.longestBacklogSeconds <= drainTargetSeconds,
    fewerChanges: ours.scaleChanges < keda.scaleChanges,
    noMoreReplicaSeconds: ours.replicaSeconds <= keda.replicaSeconds,
  };
}

const drain = (s: number) => (s === Infinity ? "never" : s === 0 ? "no backlog" : `${s} s`);

export function resultTable(results: readonly SimResult[]): string {
  const rows = [["trace", "policy", "time to drain", "peak replicas", "replica-seconds", "scale changes"]];
  for (const r of results) rows.push([r.trace, r.policy, drain(r.longestBacklogSeconds), String(r.peakReplicas), String(r.replicaSeconds), String(r.scaleChanges)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}
