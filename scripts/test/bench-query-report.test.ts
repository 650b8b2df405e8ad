import { describe, expect, it } from 'vitest';
import { clickhouseSide, formatErrors, formatReportTable, scenarioReport, verdictOf } from '../lib/bench-query-report.ts';
import type { LoadRunResult } from '../lib/bench-query-load.ts';
import type { Scenario } from '../lib/bench-query-scenarios.ts';
import type { LoggedQuery } from '../lib/clickhouse-query-log.ts';

const scenario: Scenario = { name: 'insights 30d hour', endpoint: 'GET /v1/campaigns/{id}/insights', p95TargetMs: 50, build: () => ({ method: 'GET', path: '/', key: 'k' }) };

const run = (latencies: number[], errors = 0): LoadRunResult => ({
  scenario: scenario.name,
  concurrency: 8,
  startedMs: 1_000_000,
  endedMs: 1_010_000,
  latencies,
  errors,
  errorsByStatus: errors > 0 ? { '404': errors } : {},
  firstErrors: errors > 0 ? [{ status: 404, request: 'GET /v1/funnel?x=1', body: '{"statusCode":404,\n "message":"Route GET:/v1/funnel not found"}' }] : [],
});

const logged = (durations: number[], failed = 0): LoggedQuery[] =>
  durations.map((d, i) => ({ durationMs: d, readRows: 1000 * (i + 1), readBytes: 0, query: 'SELECT 1', failed: i < failed }));

describe('verdictOf', () => {
  it('holds the p95 against the goal only when every request succeeded', () => {
    expect(verdictOf(50, 100, 0, 50)).toBe('met');
    expect(verdictOf(50, 100, 0, 50.01)).toBe('missed');
    expect(verdictOf(50, 100, 1, 10)).toBe('errors');
    expect(verdictOf(50, 0, 7, 0)).toBe('failed');
    expect(verdictOf(undefined, 10, 0, 999)).toBe('no target');
  });
});

describe('clickhouseSide', () => {
  it('summarises the logged queries per request and the isolated re-runs', () => {
    const side = clickhouseSide(logged([5, 1, 3, 2, 4, 9], 1), 3, [2.5, 1.25, 10]);
    expect(side).toEqual({
      queries: 6,
      queriesPerRequest: 2,
      failedQueries: 1,
      durationMs: { p50: 3, p95: 9, max: 9 },
      readRowsMean: 3500,
      aloneMs: { samples: 3, p50: 2.5, p95: 10 },
    });
  });

  it('reports nothing rather than zeros when there is nothing to measure', () => {
    expect(clickhouseSide([], 0, [])).toEqual({ queries: 0, queriesPerRequest: null, failedQueries: 0, durationMs: null, readRowsMean: null, aloneMs: null });
  });
});

describe('scenarioReport', () => {
  it('counts errors into requests and rates over the measured window', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
    const r = scenarioReport(scenario, run(latencies, 20), clickhouseSide([], 120, []));
    expect(r.requests).toBe(120);
    expect(r.errors).toBe(20);
    expect(r.seconds).toBe(10);
    expect(r.requestsPerSecond).toBe(12);
    expect(r.latencyMs).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(r.verdict).toBe('errors');
    expect(r.concurrency).toBe(8);
  });

  it('meets the goal when p95 is within it', () => {
    const r = scenarioReport(scenario, run(Array.from({ length: 100 }, (_, i) => (i < 95 ? 10 : 400))), clickhouseSide([], 100, []));
    expect(r.latencyMs.p95).toBe(10);
    expect(r.verdict).toBe('met');
  });
});

describe('formatReportTable', () => {
  it('prints one aligned line per scenario with the goal next to the figures', () => {
    const ok = scenarioReport(scenario, run([10, 20, 30]), clickhouseSide(logged([4, 6]), 3, [1.5]));
    const failed = scenarioReport({ ...scenario, name: 'funnel 7d', p95TargetMs: undefined }, run([], 12), clickhouseSide([], 12, []));
    const lines = formatReportTable([ok, failed]).split('\n');
    expect(lines).toHaveLength(3);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^scenario\s+conc\s+requests\s+errors\s+req\/s\s+p50\s+p95\s+p99\s+max\s+p95 goal\s+verdict\s+CH q\/req\s+CH p50\s+CH p95\s+rows\/q\s+alone p50$/);
    expect(lines[1]).toMatch(/^insights 30d hour\s+8\s+3\s+0\s+0\.3\s+20\.0\s+30\.0\s+30\.0\s+30\.0\s+≤ 50\s+met\s+0\.67\s+4\s+6\s+1500\s+1\.50$/);
    expect(lines[2]).toMatch(/^funnel 7d\s+8\s+12\s+12\s+1\.2\s+-\s+-\s+-\s+-\s+-\s+failed\s+0\.00\s+-\s+-\s+-\s+-$/);
  });
});

describe('formatErrors', () => {
  it('lists status counts and the first bodies of failing scenarios only', () => {
    const ok = scenarioReport(scenario, run([10]), clickhouseSide([], 1, []));
    const failed = scenarioReport({ ...scenario, name: 'funnel 7d', endpoint: 'GET /v1/funnel' }, run([], 3), clickhouseSide([], 3, []));
    expect(formatErrors([ok, failed])).toBe(
      'funnel 7d (GET /v1/funnel): 3 errors: 404 ×3\n  404 GET /v1/funnel?x=1\n    {"statusCode":404, "message":"Route GET:/v1/funnel not found"}',
    );
    expect(formatErrors([ok])).toBe('');
  });
});
