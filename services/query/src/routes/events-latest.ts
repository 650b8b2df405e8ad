import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryRows } from '../clickhouse-rows.ts';
import { eventFromRow, latestEventsSql, type LatestEventRow } from '../queries/latest-events-query.ts';
import type { KpiRouteOptions } from '../route-options.ts';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import { storedEventSchema } from '../schemas/event.ts';
import { idParam, limitParam } from '../schemas/params.ts';

const querystring = z.strictObject({
  campaign_id: idParam.optional().meta({ description: 'only this campaign' }),
  limit: limitParam(50, 1000),
});

export async function latestEventsRoute(app: FastifyInstance, opts: KpiRouteOptions): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/events/latest',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'The newest stored events',
        description: 'The tenant’s most recent events by event time (ts), newest first, as stored: money in currency units, absent fields null.',
        tags: ['events'],
        security: bearerSecurity,
        querystring,
        response: { 200: z.object({ events: z.array(storedEventSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const sql = latestEventsSql(opts.database, { tenant: request.principal!.tenant, campaignId: request.query.campaign_id, limit: request.query.limit });
      const rows = await queryRows<LatestEventRow>(opts.clickhouse, sql);
      return { events: rows.map(eventFromRow) };
    },
  );
}
