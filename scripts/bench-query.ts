/**
 * Query benchmark: loads a realistic synthetic data set (default 50M events
 * over 35 days, five tenants, hundreds of campaigns each) straight into
 * ClickHouse 18.16, starts the real query service on it, and drives concurrent
 * HTTP load against every endpoint. Prints per-scenario latency (client side
 * and ClickHouse side) next to the goals, and writes .results/bench-query.json.
 * Numbers, not assertions. See docs/performance.md, "Query benchmark".
 *
 *   npm run bench:query                                   # 50M events, 20 s per scenario
 *   npm run bench:query -- --reuse                        # keep the data set of the last run
 *   npm run bench:query -- --events 2000000 --duration 5  # a quick run
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { migrate } from '../services/shared/src/migrate.ts';
import { writeApiKeysFile } from './lib/api-keys-file.ts';
import { BENCH_QUERY_USAGE, parseBenchQueryArgs } from './lib/bench-query-cli.ts';
import { loadBenchContext } from './lib/bench-query-context.ts';
import { TENANTS } from './lib/bench-query-dataset.ts';
import { loadDataset, tableSizes, waitForMerges, type TableSize } from './lib/bench-query-loader.ts';
import { runScenarioLoad } from './lib/bench-query-load.ts';
import { decideReuse, readManifest, writeManifest, type DatasetManifest } from './lib/bench-query-manifest.ts';
import { datasetEndSec, type DatasetRequest } from './lib/bench-query-plan.ts';
import { clickhouseSide, formatErrors, formatReportTable, scenarioReport, type ScenarioReport } from './lib/bench-query-report.ts';
import { selectScenarios } from './lib/bench-query-scenarios.ts';
import { startClickHouse, type ClickHouseHandle } from './lib/clickhouse-server.ts';
import { SQL_USER } from './lib/clickhouse-users.ts';
import { enableQueryLog, isolatedElapsedMs, loggedQueries } from './lib/clickhouse-query-log.ts';
import { freePort } from './lib/free-port.ts';
import { createRng } from './lib/random.ts';
import { startService, type ServiceHandle } from './lib/service-process.ts';
import { repoRoot } from './lib/tools.ts';

const DATABASE = 'adstream';

const parsed = parseBenchQueryArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(BENCH_QUERY_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`${parsed.message}\n\n${BENCH_QUERY_USAGE}`);
  process.exit(2);
}
const opts = parsed.options;
const scenarios = selectScenarios(opts.only);
if (scenarios.length === 0) {
  process.stderr.write(`--only ${opts.only}: matches no scenario\n`);
  process.exit(2);
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

const dataDir = resolve(opts['data-dir'] ?? join(repoRoot(), '.data', 'bench-query'));
const clickhouseDir = join(dataDir, 'clickhouse');
const manifestPath = join(dataDir, 'dataset.json');
const request: DatasetRequest = { events: opts.events, seed: opts.seed, days: opts.days, campaignsPerTenant: opts.campaigns };

let clickhouse: ClickHouseHandle | undefined;
let client: ClickHouseClient | undefined;
let service: ServiceHandle | undefined;
const stopAll = async () => {
  await service?.stop().catch(() => undefined);
  await client?.close().catch(() => undefined);
  await clickhouse?.stop().catch(() => undefined);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  const previous = await readManifest(manifestPath);
  const decision = decideReuse(opts.reuse, previous, request);
  if (!decision.reuse) {
    log(`loading a new data set (${decision.reason}) into ${clickhouseDir}`);
    await rm(manifestPath, { force: true });
    await rm(clickhouseDir, { recursive: true, force: true });
  }
  await mkdir(clickhouseDir, { recursive: true });
  await enableQueryLog(clickhouseDir);
  clickhouse = await startClickHouse({ dataDir: clickhouseDir });
  client = createClient({
    url: clickhouse.url,
    request_timeout: 3_600_000,
    // A 2M-row INSERT … SELECT runs for many seconds without sending a byte otherwise.
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
  });
  await migrate(client, DATABASE);

  let manifest: DatasetManifest;
  if (decision.reuse && previous !== undefined) {
    const rows = Number((await (await client.query({ query: `SELECT count() FROM ${DATABASE}.events`, format: 'TabSeparated' })).text()).trim());
    if (rows !== previous.load.rows) throw new Error(`the kept data set has ${rows} events, its manifest says ${previous.load.rows}; run without --reuse`);
    manifest = previous;
    log(`reusing the data set loaded ${previous.loadedAt} (${rows} events; that load ran at ${previous.load.rowsPerSecond} rows/s)`);
  } else {
    const load = await loadDataset(client, { request, endSec: datasetEndSec(Date.now()), chunkEvents: opts.chunk, parallel: opts.parallel, database: DATABASE, log });
    manifest = { request, plan: load.plan, load: { rows: load.rows, seconds: Math.round(load.seconds * 10) / 10, rowsPerSecond: load.rowsPerSecond }, loadedAt: new Date().toISOString() };
    await writeManifest(manifestPath, manifest);
    log(`loaded ${load.rows} events in ${load.seconds.toFixed(1)} s: ${load.rowsPerSecond} rows/s`);
  }
  if (opts.settle > 0) {
    log(`waiting up to ${opts.settle} s for ClickHouse merges to finish`);
    if (!(await waitForMerges(client, DATABASE, opts.settle * 1000))) log('merges still running; measuring anyway');
  }
  const sizes = await tableSizes(client, DATABASE);

  const keys = await writeApiKeysFile(join(dataDir, 'keys.json'), TENANTS.map((t) => t.id));
  const endMs = manifest.plan.endSec * 1000;
  const ctx = await loadBenchContext(client, DATABASE, keys, endMs);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  service = await startService({
    name: 'query',
    entry: join(repoRoot(), 'services', 'query', 'src', 'main.ts'),
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      API_KEYS_FILE: join(dataDir, 'keys.json'),
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_DATABASE: DATABASE,
      CLICKHOUSE_SQL_USER: SQL_USER,
      METRICS_PORT: '0',
    },
    readyUrl: `${baseUrl}/readyz`,
    logFile: join(dataDir, 'query.log'),
  });
  log(`query service on ${baseUrl} (log: ${join(dataDir, 'query.log')}); ${scenarios.length} scenarios × ${opts.duration} s at concurrency ${opts.concurrency}`);

  const reports: ScenarioReport[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    const run = await runScenarioLoad({ baseUrl, scenario, ctx, concurrency: opts.concurrency, durationMs: opts.duration * 1000, seed: opts.seed + i, timeoutMs: opts.timeout });
    const logged = await loggedQueries(clickhouse.url, run.startedMs, run.endedMs);
    const sample = logged.filter((q) => !q.failed);
    const rng = createRng(opts.seed + i);
    const alone: number[] = [];
    for (let n = 0; n < Math.min(opts.alone, sample.length); n++) {
      const ms = await isolatedElapsedMs(clickhouse.url, sample[rng.int(sample.length)]!.query);
      if (ms !== undefined) alone.push(ms);
    }
    const report = scenarioReport(scenario, run, clickhouseSide(logged, run.latencies.length + run.errors, alone));
    reports.push(report);
    log(`${scenario.name}: ${report.requests} requests, ${report.errors} errors, p95 ${report.latencyMs.p95} ms`);
  }

  const datasetLines = [
    `data set: ${manifest.load.rows} events, ${manifest.plan.days} days to ${new Date(endMs).toISOString()}, ${TENANTS.length} tenants × ${manifest.plan.campaignsPerTenant} campaigns (seed ${manifest.plan.seed})`,
    `load: ${manifest.load.seconds} s, ${manifest.load.rowsPerSecond} rows/s${decision.reuse ? ' (earlier run, reused)' : ''}`,
    'table                         rows   MiB on disk   parts',
    ...sizes.map((s: TableSize) => `  ${s.table.padEnd(24)}${String(s.rows).padStart(12)}${mib(s.bytesOnDisk).padStart(14)}${String(s.parts).padStart(8)}`),
  ];
  const errors = formatErrors(reports);
  process.stdout.write(
    [
      ...datasetLines,
      '',
      `query load: ${opts.concurrency} concurrent requests, ${opts.duration} s per scenario; latency in ms, client side unless marked CH (ClickHouse query_log under load; "alone": the same SQL re-run one at a time)`,
      formatReportTable(reports),
      ...(errors === '' ? [] : ['', 'errors:', errors]),
    ].join('\n') + '\n',
  );

  const resultsDir = join(repoRoot(), '.results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    join(resultsDir, 'bench-query.json'),
    JSON.stringify({ options: opts, dataset: { ...manifest, reused: decision.reuse, tables: sizes }, scenarios: reports }, null, 2) + '\n',
  );
  log(`results written to ${join(resultsDir, 'bench-query.json')}`);
} finally {
  await stopAll();
}
