import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ApiKeyStore } from '@adstream/shared/api-keys';
import { authPlugin } from '@adstream/shared/http/auth';
import { errorHandler } from '@adstream/shared/http/errors';
import { healthRoutes } from '@adstream/shared/http/health';
import { requestMetrics } from '@adstream/shared/http/request-metrics';
import { registerOpenApi } from './openapi.ts';
import { breakdownRoute } from './routes/breakdown.ts';
import { campaignsRoute } from './routes/campaigns.ts';
import { latestEventsRoute } from './routes/events-latest.ts';
import { funnelRoute } from './routes/funnel.ts';
import { insightsRoute } from './routes/insights.ts';
import { sqlRoute } from './routes/sql.ts';
import type { SqlConnection } from './sql/sql-runner.ts';
import { dashboard } from './dashboard.ts';
import { liveRoutes, type LiveOptions } from './stats/live-routes.ts';

export interface QueryAppOptions {
  keys: ApiKeyStore;
  clickhouse: ClickHouseClient;
  database: string;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  now?: () => number;
  /** /v1/stats and /v1/stream: JetStream access and tuning; without it defaults apply and JetStream figures are null. */
  live?: LiveOptions;
  /** POST /v1/sql runs tenant SQL as this read-only user; without it the route answers 503. */
  sql?: SqlConnection;
}

/** Builds the query HTTP app without listening, so tests can `inject` requests. */
export async function buildQueryApp(opts: QueryAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    disableRequestLogging: true,
    return503OnClosing: true,
    // Ids may be 128 characters, up to three times that URL-encoded; longer ones reach the schema and get its 400, not the router's 414.
    routerOptions: { maxParamLength: 512 },
  });
  // Route schemas are zod: it validates requests (errors become 400s naming the parameter) and shapes responses.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  await app.register(requestMetrics);
  await registerOpenApi(app);
  await app.register(authPlugin, { keys: opts.keys });
  await app.register(healthRoutes, {
    ready: async () => (await opts.clickhouse.ping()).success,
  });
  const kpi = { clickhouse: opts.clickhouse, database: opts.database, now: opts.now };
  await app.register(insightsRoute, kpi);
  await app.register(campaignsRoute, kpi);
  await app.register(breakdownRoute, kpi);
  await app.register(funnelRoute, kpi);
  await app.register(latestEventsRoute, kpi);
  await app.register(sqlRoute, { admin: opts.clickhouse, database: opts.database, connection: opts.sql });
  await app.register(liveRoutes, { ...kpi, ...opts.live });
  await app.register(dashboard);
  return app;
}
