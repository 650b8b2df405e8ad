import { headSeq, type LagReading } from './lag-sample.ts';

/**
 * Rate estimates from consecutive readings. Pairs whose counters went
 * backwards (consumer or stream recreated, purged) say nothing about rates
 * and are skipped rather than read as negative traffic.
 */

interface Pair {
  from: LagReading;
  to: LagReading;
  seconds: number;
}

function pairs(readings: readonly LagReading[]): Pair[] {
  const out: Pair[] = [];
  for (let i = 1; i < readings.length; i++) {
    const from = readings[i - 1]!;
    const to = readings[i]!;
    const seconds = (to.atMs - from.atMs) / 1000;
    if (seconds > 0) out.push({ from, to, seconds });
  }
  return out;
}

/**
 * Messages per second entering the consumer's view of the stream: the median
 * of the per-interval rates, so a burst shorter than half the window (which
 * the lag already accounts for) is not mistaken for lasting traffic, and one
 * noisy interval moves nothing. Undefined without two usable readings.
 */
export function arrivalRate(readings: readonly LagReading[]): number | undefined {
  const rates: number[] = [];
  for (const p of pairs(readings)) {
    const arrived = headSeq(p.to) - headSeq(p.from);
    if (arrived >= 0) rates.push(arrived / p.seconds);
  }
  return rates.length === 0 ? undefined : median(rates);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Messages per second one ready replica acknowledges when it is busy. Only
 * intervals with undelivered messages at both ends count: idle replicas
 * process only what arrives, which says nothing about their capacity. At
 * least `minBusySeconds` of such intervals and some progress are needed;
 * otherwise undefined (no progress at all means the replicas are stuck or
 * absent, not infinitely slow).
 */
export function perReplicaRate(readings: readonly LagReading[], minBusySeconds: number): number | undefined {
  let acked = 0;
  let replicaSeconds = 0;
  let busySeconds = 0;
  for (const p of pairs(readings)) {
    if (p.from.pending <= 0 || p.to.pending <= 0) continue;
    // A replica that became ready (or went) within the interval worked part of it.
    const replicas = (p.from.replicas + p.to.replicas) / 2;
    const progress = p.to.ackFloorSeq - p.from.ackFloorSeq;
    if (replicas <= 0 || progress < 0) continue;
    acked += progress;
    replicaSeconds += replicas * p.seconds;
    busySeconds += p.seconds;
  }
  if (busySeconds < minBusySeconds || acked <= 0) return undefined;
  return acked / replicaSeconds;
}

/**
 * Seconds the current backlog has existed: how far back the trailing run of
 * readings with more undelivered messages than `drainedPending` reaches.
 * 0 when the latest reading has no backlog.
 */
export function backlogAgeSeconds(readings: readonly LagReading[], drainedPending: number, nowMs: number): number {
  let start: number | undefined;
  for (let i = readings.length - 1; i >= 0; i--) {
    const r = readings[i]!;
    if (r.pending <= drainedPending) break;
    start = r.atMs;
  }
  return start === undefined ? 0 : Math.max(0, (nowMs - start) / 1000);
}
