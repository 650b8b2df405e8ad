import { ApiKeyStore } from '@adstream/shared/api-keys';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { createLogger } from '@adstream/shared/logger';
import { exitOnStartupError, onShutdown } from '@adstream/shared/shutdown';
import { buildQueryApp } from './app.ts';
import { loadQueryConfig } from './config.ts';

async function main(): Promise<void> {
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
  const app = await buildQueryApp({ keys, clickhouse, database: config.CLICKHOUSE_DATABASE, logger: log });
  onShutdown(log, config.SHUTDOWN_GRACE_MS, async () => {
    await app.close();
    await clickhouse.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => exitOnStartupError('query', err));
