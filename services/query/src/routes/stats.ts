import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import type { StatsService } from '../stats/stats-service.ts';
import { statsBodySchema } from '../stats/stats-schema.ts';

export interface StatsRouteOptions {
  stats: StatsService;
}

export async function statsRoute(app: FastifyInstance, opts: StatsRouteOptions): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/stats',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'Live pipeline figures for the caller’s tenant',
        description:
          'Events per second received and stored, the tenant’s messages waiting in JetStream, and how old the newest stored event is. ' +
          'Keys with the admin scope also get pipeline-wide JetStream figures. See docs/dashboard.md for each definition.',
        tags: ['live'],
        security: bearerSecurity,
        querystring: z.strictObject({}),
        response: { 200: statsBodySchema, ...errorResponses },
      },
    },
    async (request) => opts.stats.get(request.principal!),
  );
}
