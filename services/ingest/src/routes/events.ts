import type { FastifyInstance } from 'fastify';
import { uuidv7Factory } from '@adstream/shared/uuid-v7';
import { HttpError } from '@adstream/shared/http/http-error';
import { requestContext } from '@adstream/shared/http/request-metrics';
import { inSpanSync, withTraceContext } from '@adstream/shared/telemetry/tracing';
import { eventsOf } from '../body-parsers.ts';
import { IngestMetrics } from '../ingest-metrics.ts';
import { MessageTooLargeError, PublishError, type EventPublisher } from '../publisher.ts';
import { validateBatch } from '../validate-batch.ts';

export interface EventsRouteOptions {
  publisher: EventPublisher;
  maxEventsPerRequest: number;
  rateLimitPerKeyRps: number;
  now?: () => number;
}

/**
 * POST /v1/events: validate, stamp, publish as one JetStream message, and
 * answer 202 only after JetStream has stored it. A request is one message,
 * so JetStream stores all of its valid events or none of them.
 */
export async function eventsRoute(app: FastifyInstance, opts: EventsRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const metrics = new IngestMetrics();
  app.post(
    '/v1/events',
    {
      onRequest: app.requireScope('ingest'),
      config: {
        rateLimit: {
          max: opts.rateLimitPerKeyRps,
          timeWindow: 1000,
          keyGenerator: (request) => request.principal?.keyId ?? request.ip,
        },
      },
    },
    async (request, reply) => {
      if (request.body === undefined) throw new HttpError(400, 'request body is empty');
      const items = eventsOf(request.body);
      if (items.length === 0) throw new HttpError(400, 'request contains no events');
      if (items.length > opts.maxEventsPerRequest) {
        throw new HttpError(413, `request contains ${items.length} events; at most ${opts.maxEventsPerRequest} are allowed`);
      }
      const tenant = request.principal!.tenant;
      const receivedAt = now();
      const trace = requestContext(request);
      const batch = inSpanSync('validate', { 'adstream.events': items.length }, () => validateBatch(items, tenant, receivedAt, uuidv7Factory(receivedAt)), trace);
      metrics.validated(items.length, batch);
      const accepted = batch.rows.length + batch.duplicates;
      const result = { accepted, rejected: batch.rejected, duplicates: batch.duplicates, errors: batch.errors };
      if (batch.rows.length === 0) return reply.code(400).send(result);
      try {
        await withTraceContext(trace, () => opts.publisher.publish(tenant, batch.rows, batch.eventIds, receivedAt));
      } catch (err) {
        metrics.refused(accepted, err instanceof MessageTooLargeError ? 'too_large' : 'unavailable');
        if (err instanceof MessageTooLargeError) throw new HttpError(413, err.message);
        if (err instanceof PublishError) {
          request.log.warn({ err: err.cause ?? err }, 'publish failed');
          reply.header('Retry-After', String(err.retryAfterSeconds));
          return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: err.message });
        }
        throw err;
      }
      metrics.accepted(accepted);
      return reply.code(202).send(result);
    },
  );
}
