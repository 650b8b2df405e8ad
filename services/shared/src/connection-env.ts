import { z } from 'zod';
import { envBool, envInt } from './env.ts';

/** ClickHouse connection variables, the same in every service that talks to it. */
export const clickhouseEnv = (defaultTimeoutMs: number) => ({
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('adstream'),
  CLICKHOUSE_TIMEOUT_MS: envInt(defaultTimeoutMs, 100, 600_000),
});

/** NATS connection variables, the same in every service that talks to it. */
export const natsEnv = (connectionName: string) => ({
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  NATS_NAME: z.string().default(connectionName),
  JETSTREAM_PROVISION: envBool(true),
});
