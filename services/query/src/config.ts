import { z } from 'zod';
import { envInt, envLogLevel, parseEnv } from '@adstream/shared/env';

export const queryEnvSchema = z.object({
  PORT: envInt(8081, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: envLogLevel,
  API_KEYS_FILE: z.string({ message: 'is required: a JSON file of {key, tenant, scopes} entries' }).min(1),
  CLICKHOUSE_URL: z.url({ message: 'must be an http(s) URL' }).default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('adstream'),
  CLICKHOUSE_TIMEOUT_MS: envInt(10_000, 100, 600_000),
  SHUTDOWN_GRACE_MS: envInt(10_000, 0, 600_000),
});

export type QueryConfig = z.output<typeof queryEnvSchema>;

export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return parseEnv(queryEnvSchema, env);
}
