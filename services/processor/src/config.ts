import { z } from 'zod';
import { clickhouseEnv, natsEnv } from '@adstream/shared/connection-env';
import { envBool, envInt, envLogLevel, parseEnv } from '@adstream/shared/env';

export const processorEnvSchema = z.object({
  LOG_LEVEL: envLogLevel,
  HEALTH_PORT: envInt(8082, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  ...natsEnv('adstream-processor'),
  ...clickhouseEnv(30_000),
  MIGRATE_ON_START: envBool(true),
  BATCH_MAX_ROWS: envInt(50_000, 1, 1_000_000),
  BATCH_MAX_BYTES: envInt(32 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  FLUSH_INTERVAL_MS: envInt(250, 10, 60_000),
  PREFETCH_MESSAGES: envInt(64, 1, 10_000),
  MAX_ATTEMPTS: envInt(5, 1, 100),
  RETRY_INITIAL_MS: envInt(200, 10, 60_000),
  RETRY_MAX_MS: envInt(10_000, 100, 600_000),
  SHUTDOWN_GRACE_MS: envInt(25_000, 0, 600_000),
});

export type ProcessorConfig = z.output<typeof processorEnvSchema>;

export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return parseEnv(processorEnvSchema, env);
}
