import { z } from 'zod';
import { natsEnv } from '@adstream/shared/connection-env';
import { envInt, envLogLevel, parseEnv } from '@adstream/shared/env';

export const ingestEnvSchema = z.object({
  PORT: envInt(8080, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: envLogLevel,
  API_KEYS_FILE: z.string({ message: 'is required: a JSON file of {key, tenant, scopes} entries' }).min(1),
  ...natsEnv('adstream-ingest'),
  PUBLISH_TIMEOUT_MS: envInt(5_000, 100, 60_000),
  BODY_LIMIT_BYTES: envInt(5 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  MAX_DECOMPRESSED_BYTES: envInt(20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  MAX_EVENTS_PER_REQUEST: envInt(10_000, 1, 1_000_000),
  RATE_LIMIT_PER_KEY_RPS: envInt(2_000, 1, 1_000_000),
  SHUTDOWN_GRACE_MS: envInt(20_000, 0, 600_000),
});

export type IngestConfig = z.output<typeof ingestEnvSchema>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return parseEnv(ingestEnvSchema, env);
}
