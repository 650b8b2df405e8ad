import { z } from 'zod';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { clickhouseEnv } from '@adstream/shared/connection-env';
import { parseEnv } from '@adstream/shared/env';
import { migrate } from '@adstream/shared/migrate';
import { exitOnStartupError } from '@adstream/shared/shutdown';

/**
 * One-shot schema migration (`npm run migrate`), for a deployment that runs
 * migrations as a job before the services start (MIGRATE_ON_START=false).
 */
async function main(): Promise<void> {
  const config = parseEnv(z.object(clickhouseEnv(30_000)));
  const client = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    requestTimeoutMs: config.CLICKHOUSE_TIMEOUT_MS,
  });
  try {
    const result = await migrate(client, config.CLICKHOUSE_DATABASE);
    process.stdout.write(`migrations applied: [${result.applied.join(', ')}], already applied: [${result.alreadyApplied.join(', ')}]\n`);
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => exitOnStartupError('migrate', err));
