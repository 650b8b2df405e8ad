import type { Recommendation } from './lag-sample.ts';

export type StabilizedOutcome =
  | { kind: 'up'; target: number }
  | { kind: 'down'; target: number }
  | { kind: 'hold'; pending: 'up' | 'down' | 'none' };

/**
 * HPA-style stabilization over the recommendations of the recent past
 * (which must include the newest one): scale up only to the lowest
 * recommendation of the scale-up window, so a spike that is gone by the next
 * reading does not add replicas; scale down only to the highest of the
 * scale-down window, so a dip does not remove replicas that are needed again
 * a moment later. Scale-down also waits until the history spans the whole
 * window, so a freshly started (or newly elected) operator cannot act on a
 * few readings.
 */
export function stabilize(
  current: number,
  recommendations: readonly Recommendation[],
  nowMs: number,
  upWindowSeconds: number,
  downWindowSeconds: number,
  toleranceMs: number,
): StabilizedOutcome {
  const within = (seconds: number) => recommendations.filter((r) => r.atMs >= nowMs - seconds * 1000).map((r) => r.replicas);
  const newest = recommendations.at(-1);
  if (newest === undefined) return { kind: 'hold', pending: 'none' };
  const upFloor = Math.min(...within(upWindowSeconds));
  if (current < upFloor) return { kind: 'up', target: upFloor };
  const downCeiling = Math.max(...within(downWindowSeconds));
  const oldest = recommendations[0]!;
  const spansDownWindow = nowMs - oldest.atMs >= downWindowSeconds * 1000 - toleranceMs;
  if (current > downCeiling && spansDownWindow) return { kind: 'down', target: downCeiling };
  return { kind: 'hold', pending: newest.replicas > current ? 'up' : newest.replicas < current ? 'down' : 'none' };
}
