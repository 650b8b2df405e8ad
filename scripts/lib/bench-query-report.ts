// Turns a scenario's raw measurements into the figures the query benchmark
// prints and writes as JSON. Pure.
import { percentile, summarizeLatency, type LatencySummary } from './traffic-sender.ts';
import type { FailedRequest, LoadRunResult } from './bench-query-load.ts';
import type { LoggedQuery } from './clickhouse-query-log.ts';
import type { Scenario } from './bench-query-scenarios.ts';

export type Verdict = 'met' | 'missed' | 'errors' | 'failed' | 'no target';

export interface ClickHouseSide {
  /** Queries the service sent during the window. */
  queries: number;
  queriesPerRequest: number | null;
  failedQueries: number;
  /** query_duration_ms of those queries, under the benchmark's load (whole milliseconds). */
  durationMs: { p50: number; p95: number; max: number } | null;
  readRowsMean: number | null;
  /** ClickHouse's `elapsed` for a sample of the same queries run again one at a time on an idle server. */
  aloneMs: { samples: number; p50: number; p95: number } | null;
}

export interface ScenarioReport {
  scenario: string;
  endpoint: string;
  p95TargetMs: number | null;
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  firstErrors: FailedRequest[];
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  clickhouse: ClickHouseSide;
  verdict: Verdict;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function verdictOf(p95TargetMs: number | undefined, requests: number, errors: number, p95: number): Verdict {
  if (requests === 0) return 'failed';
  if (errors > 0) return 'errors';
  if (p95TargetMs === undefined) return 'no target';
  return p95 <= p95TargetMs ? 'met' : 'missed';
}

export function clickhouseSide(logged: readonly LoggedQuery[], requests: number, aloneMs: readonly number[]): ClickHouseSide {
  const durations = logged.map((q) => q.durationMs).sort((a, b) => a - b);
  const alone = [...aloneMs].sort((a, b) => a - b);
  return {
    queries: logged.length,
    queriesPerRequest: requests > 0 ? round2(logged.length / requests) : null,
    failedQueries: logged.filter((q) => q.failed).length,
    durationMs: durations.length > 0 ? { p50: percentile(durations, 50), p95: percentile(durations, 95), max: durations.at(-1)! } : null,
    readRowsMean: logged.length > 0 ? Math.round(logged.reduce((s, q) => s + q.readRows, 0) / logged.length) : null,
    aloneMs: alone.length > 0 ? { samples: alone.length, p50: round2(percentile(alone, 50)), p95: round2(percentile(alone, 95)) } : null,
  };
}

export function scenarioReport(scenario: Scenario, run: LoadRunResult, clickhouse: ClickHouseSide): ScenarioReport {
  const seconds = (run.endedMs - run.startedMs) / 1000;
  const requests = run.latencies.length + run.errors;
  const latencyMs = summarizeLatency(run.latencies);
  return {
    scenario: scenario.name,
    endpoint: scenario.endpoint,
    p95TargetMs: scenario.p95TargetMs ?? null,
    concurrency: run.concurrency,
    seconds: round2(seconds),
    requests,
    errors: run.errors,
    errorsByStatus: run.errorsByStatus,
    firstErrors: run.firstErrors,
    requestsPerSecond: seconds > 0 ? round2(requests / seconds) : 0,
    latencyMs,
    clickhouse,
    verdict: verdictOf(scenario.p95TargetMs, run.latencies.length, run.errors, latencyMs.p95),
  };
}

const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(digits));

const COLUMNS: ReadonlyArray<readonly [title: string, width: number, cell: (r: ScenarioReport) => string]> = [
  ['scenario', 30, (r) => r.scenario],
  ['conc', 5, (r) => String(r.concurrency)],
  ['requests', 9, (r) => String(r.requests)],
  ['errors', 7, (r) => String(r.errors)],
  ['req/s', 8, (r) => num(r.requestsPerSecond)],
  ['p50', 7, (r) => (r.latencyMs.count > 0 ? num(r.latencyMs.p50) : '-')],
  ['p95', 7, (r) => (r.latencyMs.count > 0 ? num(r.latencyMs.p95) : '-')],
  ['p99', 7, (r) => (r.latencyMs.count > 0 ? num(r.latencyMs.p99) : '-')],
  ['max', 8, (r) => (r.latencyMs.count > 0 ? num(r.latencyMs.max) : '-')],
  ['p95 goal', 9, (r) => (r.p95TargetMs === null ? '-' : `≤ ${r.p95TargetMs}`)],
  ['verdict', 10, (r) => r.verdict],
  ['CH q/req', 9, (r) => num(r.clickhouse.queriesPerRequest, 2)],
  ['CH p50', 7, (r) => num(r.clickhouse.durationMs?.p50, 0)],
  ['CH p95', 7, (r) => num(r.clickhouse.durationMs?.p95, 0)],
  ['rows/q', 10, (r) => (r.clickhouse.readRowsMean === null ? '-' : String(r.clickhouse.readRowsMean))],
  ['alone p50', 10, (r) => num(r.clickhouse.aloneMs?.p50, 2)],
];

/** A fixed-width table, one line per scenario, latencies in ms. */
export function formatReportTable(reports: readonly ScenarioReport[]): string {
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(COLUMNS[i]![1]) : c.padStart(COLUMNS[i]![1]))).join(' ');
  return [line(COLUMNS.map(([title]) => title)), ...reports.map((r) => line(COLUMNS.map(([, , cell]) => cell(r))))].join('\n');
}

/** The failures worth reading: status counts and the first bodies, per scenario that had any. */
export function formatErrors(reports: readonly ScenarioReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    if (r.errors === 0) continue;
    const counts = Object.entries(r.errorsByStatus).map(([status, n]) => `${status === '0' ? 'no response' : status} ×${n}`);
    lines.push(`${r.scenario} (${r.endpoint}): ${r.errors} errors: ${counts.join(', ')}`);
    for (const e of r.firstErrors) lines.push(`  ${e.status === 0 ? 'no response' : e.status} ${e.request}\n    ${e.body.replace(/\s+/g, ' ')}`);
  }
  return lines.join('\n');
}
