import { ApiKeyStore } from '@adstream/shared/api-keys';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { createLogger } from '@adstream/shared/logger';
import { exitOnStartupError, onShutdown } from '@adstream/shared/shutdown';
import { servicePackageVersion, startTelemetry } from '@adstream/shared/telemetry/start-telemetry';
import { topologyFromEnv } from '@adstream/shared/topology-config';
import { buildQueryApp } from './app.ts';
import { loadQueryConfig } from './config.ts';
import { NatsLink } from './stats/nats-link.ts';

async function main(): Promise<void> {
  await startTelemetry({ serviceName: 'adstream-query', version: servicePackageVersion(import.meta.url) });
  const config = loadQueryConfig();
  const log = createLogger('query', config.LOG_LEVEL);
  const keys = await ApiKeyStore.fromFile(config.API_KEYS_FILE);
  const clickhouse = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    database: config.CLICKHOUSE_DATABASE,
    requestTimeoutMs: config.CLICKHOUSE_TIMEOUT_MS,
  });
  const nats = config.NATS_URL === undefined ? undefined : NatsLink.connect(config.NATS_URL, config.NATS_NAME, log);
  const live = {
    jetstream: nats,
    topology: topologyFromEnv(),
    windowSeconds: config.STATS_WINDOW_SECONDS,
    intervalMs: config.STREAM_INTERVAL_MS,
    heartbeatMs: config.STREAM_HEARTBEAT_MS,
    maxPerKey: config.STREAM_MAX_PER_KEY,
  };
  const sql = config.CLICKHOUSE_SQL_USER === undefined ? undefined : { url: config.CLICKHOUSE_URL, username: config.CLICKHOUSE_SQL_USER, password: config.CLICKHOUSE_SQL_PASSWORD };
  const app = await buildQueryApp({ keys, clickhouse, database: config.CLICKHOUSE_DATABASE, logger: log, live, sql });
  onShutdown(log, config.SHUTDOWN_GRACE_MS, async () => {
    await app.close();
    await nats?.close();
    await clickhouse.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => exitOnStartupError('query', err));
