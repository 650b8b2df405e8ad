import { z } from 'zod';
import { clickhouseEnv } from '@adstream/shared/connection-env';
import { envInt, envLogLevel, parseEnv } from '@adstream/shared/env';
import { statsEnv } from './stats/stats-env.ts';

export const queryEnvSchema = z.object({
  PORT: envInt(8081, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: envLogLevel,
  API_KEYS_FILE: z.string({ message: 'is required: a JSON file of {key, tenant, scopes} entries' }).min(1),
  ...clickhouseEnv(10_000),
  // POST /v1/sql runs as this read-only user (its profile holds the limits, docs/sql-api.md); unset: the route answers 503.
  CLICKHOUSE_SQL_USER: z.string().regex(/^[A-Za-z_][\w.-]*$/, 'must be a ClickHouse user name').optional(),
  CLICKHOUSE_SQL_PASSWORD: z.string().default(''),
  SHUTDOWN_GRACE_MS: envInt(10_000, 0, 600_000),
  ...statsEnv,
});

export type QueryConfig = z.output<typeof queryEnvSchema>;

export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return parseEnv(queryEnvSchema, env);
}
