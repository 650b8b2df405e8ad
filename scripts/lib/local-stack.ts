import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startClickHouse, type ClickHouseHandle } from './clickhouse-server.ts';
import { SQL_USER } from './clickhouse-users.ts';
import { freePort } from './free-port.ts';
import { startNats, type NatsHandle } from './nats-server.ts';
import { startService, type ServiceHandle } from './service-process.ts';
import { repoRoot } from './tools.ts';

export interface LocalStackOptions {
  /** Holds every server's data and every process's log. */
  dataDir: string;
  apiKeysFile: string;
  ingestPort?: number;
  queryPort?: number;
  processors?: number;
  /** fsync before JetStream acknowledges (default true; see docs/exactly-once.md). */
  syncAlways?: boolean;
  logLevel?: string;
  /** Extra environment for every service (e.g. batch sizes in a benchmark). */
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
  withQuery?: boolean;
  /** Give every service a Prometheus /metrics port (free ports, listed in `metricsTargets`); otherwise METRICS_PORT=0. */
  metrics?: boolean;
}

/** One service's /metrics endpoint; `job` is the scrape job the dashboards and alert rules expect. */
export interface MetricsTarget {
  job: 'adstream-ingest' | 'adstream-processor' | 'adstream-query';
  /** e.g. "processor-1" */
  name: string;
  port: number;
}

export interface LocalStack {
  nats: NatsHandle;
  clickhouse: ClickHouseHandle;
  ingest: ServiceHandle;
  processors: ServiceHandle[];
  query: ServiceHandle | undefined;
  ingestUrl: string;
  queryUrl: string | undefined;
  database: string;
  /** Every running service's /metrics endpoint (empty without `metrics`); processors added later join it. */
  metricsTargets: MetricsTarget[];
  /** Starts one more processor replica (also used to replace a killed one). */
  addProcessor(): Promise<ServiceHandle>;
  stop(): Promise<void>;
}

const DATABASE = 'adstream';
const entry = (service: string) => join(repoRoot(), 'services', service, 'src', 'main.ts');

/**
 * NATS, ClickHouse, ingest, processor(s) and query as real processes on free
 * (or given) ports: what `npm run up`, the integration tests and the
 * benchmarks all run against.
 */
export async function startLocalStack(o: LocalStackOptions): Promise<LocalStack> {
  const logs = join(o.dataDir, 'logs');
  await mkdir(logs, { recursive: true });
  const nats = await startNats({ dataDir: join(o.dataDir, 'nats'), syncAlways: o.syncAlways ?? true });
  const clickhouse = await startClickHouse({ dataDir: join(o.dataDir, 'clickhouse') });
  const common: Record<string, string> = {
    NATS_URL: nats.url,
    CLICKHOUSE_URL: clickhouse.url,
    CLICKHOUSE_DATABASE: DATABASE,
    API_KEYS_FILE: o.apiKeysFile,
    LOG_LEVEL: o.logLevel ?? 'info',
    HOST: '127.0.0.1',
    ...o.env,
  };
  const started: ServiceHandle[] = [];
  const metricsTargets: MetricsTarget[] = [];
  const metricsEnv = async (job: MetricsTarget['job'], name: string): Promise<Record<string, string>> => {
    if (!o.metrics) return { METRICS_PORT: '0' };
    const port = await freePort();
    metricsTargets.push({ job, name, port });
    return { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' };
  };
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop('SIGTERM', 15_000).catch(() => undefined)));
    await Promise.all([nats.stop(), clickhouse.stop()].map((p) => p.catch(() => undefined)));
  };
  try {
    let replica = 0;
    const processors: ServiceHandle[] = [];
    const addProcessor = async () => {
      const port = await freePort();
      const metrics = await metricsEnv('adstream-processor', `processor-${replica}`);
      const p = await startService({
        name: `processor-${replica}`,
        entry: entry('processor'),
        env: { ...common, ...metrics, HEALTH_PORT: String(port), NATS_NAME: `adstream-processor-${replica}` },
        readyUrl: `http://127.0.0.1:${port}/readyz`,
        logFile: join(logs, `processor-${replica++}.log`),
        nodeArgs: o.nodeArgs,
      });
      started.push(p);
      processors.push(p);
      return p;
    };
    // The first processor applies the migrations, so the others and query start on a complete schema.
    await addProcessor();
    const ingestPort = o.ingestPort ?? (await freePort());
    const ingest = await startService({
      name: 'ingest',
      entry: entry('ingest'),
      env: { ...common, ...(await metricsEnv('adstream-ingest', 'ingest')), PORT: String(ingestPort) },
      readyUrl: `http://127.0.0.1:${ingestPort}/readyz`,
      logFile: join(logs, 'ingest.log'),
      nodeArgs: o.nodeArgs,
    });
    started.push(ingest);
    for (let i = 1; i < (o.processors ?? 1); i++) await addProcessor();
    let query: ServiceHandle | undefined;
    let queryUrl: string | undefined;
    if (o.withQuery ?? true) {
      const queryPort = o.queryPort ?? (await freePort());
      queryUrl = `http://127.0.0.1:${queryPort}`;
      query = await startService({
        name: 'query',
        entry: entry('query'),
        env: { CLICKHOUSE_SQL_USER: SQL_USER, ...common, ...(await metricsEnv('adstream-query', 'query')), PORT: String(queryPort) },
        readyUrl: `${queryUrl}/readyz`,
        logFile: join(logs, 'query.log'),
        nodeArgs: o.nodeArgs,
      });
      started.push(query);
    }
    return { nats, clickhouse, ingest, processors, query, ingestUrl: `http://127.0.0.1:${ingestPort}`, queryUrl, database: DATABASE, metricsTargets, addProcessor, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
