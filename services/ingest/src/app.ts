import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { ApiKeyStore } from '@adstream/shared/api-keys';
import { authPlugin } from '@adstream/shared/http/auth';
import { errorHandler } from '@adstream/shared/http/errors';
import { healthRoutes } from '@adstream/shared/http/health';
import { requestMetrics } from '@adstream/shared/http/request-metrics';
import { registerBodyParsers } from './body-parsers.ts';
import type { EventPublisher } from './publisher.ts';
import { eventsRoute } from './routes/events.ts';

export interface IngestAppOptions {
  keys: ApiKeyStore;
  publisher: EventPublisher;
  bodyLimitBytes: number;
  maxDecompressedBytes: number;
  maxEventsPerRequest: number;
  rateLimitPerKeyRps: number;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  now?: () => number;
}

/** Builds the ingest HTTP app without listening, so tests can `inject` requests. */
export async function buildIngestApp(opts: IngestAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimitBytes,
    disableRequestLogging: true,
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler);
  await app.register(requestMetrics);
  registerBodyParsers(app, opts.maxDecompressedBytes);
  await app.register(authPlugin, { keys: opts.keys });
  await app.register(rateLimit, { global: false });
  await app.register(healthRoutes, { ready: () => opts.publisher.ready() });
  await app.register(eventsRoute, {
    publisher: opts.publisher,
    maxEventsPerRequest: opts.maxEventsPerRequest,
    rateLimitPerKeyRps: opts.rateLimitPerKeyRps,
    now: opts.now,
  });
  return app;
}
