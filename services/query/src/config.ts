import { z } from 'zod';
import { clickhouseEnv } from '@adstream/shared/connection-env';
import { envInt, envLogLevel, parseEnv } from '@adstream/shared/env';

export const queryEnvSchema = z.object({
  PORT: envInt(8081, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: envLogLevel,
  API_KEYS_FILE: z.string({ message: 'is required: a JSON file of {key, tenant, scopes} entries' }).min(1),
  ...clickhouseEnv(10_000),
  SHUTDOWN_GRACE_MS: envInt(10_000, 0, 600_000),
});

export type QueryConfig = z.output<typeof queryEnvSchema>;

export function loadQueryConfig(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return parseEnv(queryEnvSchema, env);
}
