import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ApiKeyStore } from '@adstream/shared/api-keys';
import { authPlugin } from '@adstream/shared/http/auth';
import { errorHandler } from '@adstream/shared/http/errors';
import { healthRoutes } from '@adstream/shared/http/health';
import { insightsRoute } from './routes/insights.ts';

export interface QueryAppOptions {
  keys: ApiKeyStore;
  clickhouse: ClickHouseClient;
  database: string;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  now?: () => number;
}

/** Builds the query HTTP app without listening, so tests can `inject` requests. */
export async function buildQueryApp(opts: QueryAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }), disableRequestLogging: true, return503OnClosing: true });
  app.setErrorHandler(errorHandler);
  await app.register(authPlugin, { keys: opts.keys });
  await app.register(healthRoutes, {
    ready: async () => (await opts.clickhouse.ping()).success,
  });
  await app.register(insightsRoute, { clickhouse: opts.clickhouse, database: opts.database, now: opts.now });
  return app;
}
