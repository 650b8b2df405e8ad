import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { TopologyConfig } from '@adstream/shared/jetstream-topology';
import { topologyFromEnv } from '@adstream/shared/topology-config';
import { statsRoute } from '../routes/stats.ts';
import { streamRoute } from '../routes/stream.ts';
import { LIVE_DEFAULTS } from './stats-env.ts';
import { StatsService, type JetStreamSource } from './stats-service.ts';

export interface LiveOptions {
  /** Without it the JetStream figures are null. */
  jetstream?: JetStreamSource;
  /** JetStream names; the JETSTREAM_* defaults without it. */
  topology?: Pick<TopologyConfig, 'stream' | 'consumer' | 'subjectPrefix'>;
  windowSeconds?: number;
  intervalMs?: number;
  heartbeatMs?: number;
  maxPerKey?: number;
}

/** /v1/stats and /v1/stream over one StatsService, so both share its cache and rate samples. */
export async function liveRoutes(app: FastifyInstance, o: LiveOptions & { clickhouse: ClickHouseClient; database: string; now?: () => number }): Promise<void> {
  const stats = new StatsService({
    clickhouse: o.clickhouse,
    database: o.database,
    windowSeconds: o.windowSeconds ?? LIVE_DEFAULTS.windowSeconds,
    jetstream: o.jetstream,
    topology: o.topology ?? topologyFromEnv({}),
    log: app.log,
    now: o.now,
  });
  await app.register(statsRoute, { stats });
  await app.register(streamRoute, {
    stats,
    intervalMs: o.intervalMs ?? LIVE_DEFAULTS.intervalMs,
    heartbeatMs: o.heartbeatMs ?? LIVE_DEFAULTS.heartbeatMs,
    maxPerKey: o.maxPerKey ?? LIVE_DEFAULTS.maxPerKey,
  });
}
