import { z } from 'zod';
import { envInt } from '@adstream/shared/env';

/** Defaults of /v1/stats and /v1/stream, also used when the app is built without configuration (tests). */
export const LIVE_DEFAULTS = {
  windowSeconds: 10,
  intervalMs: 2_000,
  heartbeatMs: 15_000,
  maxPerKey: 4,
};

/**
 * Variables of /v1/stats and /v1/stream. NATS_URL has no default here,
 * unlike in ingest and processor: the query service works without NATS and
 * then reports the JetStream figures as null.
 */
export const statsEnv = {
  NATS_URL: z.string().min(1).optional(),
  NATS_NAME: z.string().default('adstream-query'),
  STATS_WINDOW_SECONDS: envInt(LIVE_DEFAULTS.windowSeconds, 1, 300),
  STREAM_INTERVAL_MS: envInt(LIVE_DEFAULTS.intervalMs, 250, 60_000),
  STREAM_HEARTBEAT_MS: envInt(LIVE_DEFAULTS.heartbeatMs, 1_000, 300_000),
  STREAM_MAX_PER_KEY: envInt(LIVE_DEFAULTS.maxPerKey, 1, 1_000),
};
