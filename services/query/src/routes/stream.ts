import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bearerSecurity, errorResponses, errorSchema } from '../schemas/error.ts';
import { ConcurrencyLimiter } from '../stats/concurrency-limiter.ts';
import { StatsEventStream } from '../stats/stats-event-stream.ts';
import type { StatsService } from '../stats/stats-service.ts';

export interface StreamRouteOptions {
  stats: StatsService;
  intervalMs: number;
  heartbeatMs: number;
  maxPerKey: number;
}

export async function streamRoute(app: FastifyInstance, opts: StreamRouteOptions): Promise<void> {
  const limiter = new ConcurrencyLimiter(opts.maxPerKey);
  const open = new Set<StatsEventStream>();

  // preClose, not onClose: onClose runs only after the HTTP server has closed,
  // and it waits for open responses, which these never finish by themselves.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  // No type provider: the 200 body is a stream, not the serialized schema type.
  app.get(
    '/v1/stream',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'Server-sent events: the /v1/stats body as a `stats` event every few seconds',
        description:
          'text/event-stream. `event: stats` with the /v1/stats body at once and then every STREAM_INTERVAL_MS; ' +
          '`event: stats_error` when figures could not be computed (the stream goes on); comment lines as heartbeats. ' +
          'The key goes in the Authorization header (read the stream with fetch; EventSource cannot send headers). ' +
          'At most STREAM_MAX_PER_KEY streams per key at once; beyond that 429.',
        tags: ['live'],
        security: bearerSecurity,
        querystring: z.strictObject({}),
        response: {
          200: {
            description: 'server-sent events: `event: stats` frames whose data is the /v1/stats body',
            content: { 'text/event-stream': { schema: z.string() } },
          },
          ...errorResponses,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      if (!limiter.tryAcquire(principal.keyId)) {
        return reply.code(429).send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: `this API key already has ${opts.maxPerKey} open streams; close one first`,
        });
      }
      const stream = new StatsEventStream({
        intervalMs: opts.intervalMs,
        heartbeatMs: opts.heartbeatMs,
        next: () => opts.stats.get(principal),
        onEnd: () => {
          open.delete(stream);
          limiter.release(principal.keyId);
        },
        onError: (err) => request.log.error({ err }, 'stats for the stream failed'),
      });
      open.add(stream);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        // The stream holds its connection to the end; closing it then (rather than keeping it
        // alive) lets server.close() finish even when a client stopped reading without hanging up.
        .header('connection', 'close')
        // Tells nginx-style proxies not to buffer the stream.
        .header('x-accel-buffering', 'no')
        .send(stream.readable);
    },
  );
}
