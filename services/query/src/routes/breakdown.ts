import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryRows } from '../clickhouse-rows.ts';
import { BREAKDOWN_DIMENSIONS, breakdownSql } from '../queries/breakdown-query.ts';
import { measuresFromRow } from '../queries/measures-row.ts';
import type { MeasuresRow } from '../queries/measures-sql.ts';
import { requestRange, rfc3339 } from '../request-range.ts';
import type { KpiRouteOptions } from '../route-options.ts';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import { measuresShape } from '../schemas/measures.ts';
import { choiceParam, idParam, limitParam, timeParam } from '../schemas/params.ts';

const DAY_MS = 86_400_000;

const querystring = z.strictObject({
  dimension: choiceParam(BREAKDOWN_DIMENSIONS).meta({ description: 'ad, creative and publisher are the events’ ad_id, creative_id and publisher_id' }),
  campaign_id: idParam.optional().meta({ description: 'only this campaign; all of the tenant’s campaigns when absent' }),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(100, 1000),
});

const responseSchema = z.object({
  dimension: z.enum(BREAKDOWN_DIMENSIONS),
  campaign_id: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z
      .object({
        value: z.string().nullable().meta({ description: 'the dimension’s value; null for events without one (device: "unknown")' }),
        ...measuresShape,
      })
      .meta({ id: 'BreakdownRow' }),
  ),
});

export async function breakdownRoute(app: FastifyInstance, opts: KpiRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/breakdown',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'Measures per platform, device, country, ad, creative or publisher',
        description:
          'One row per value of `dimension` over [from, to) (default: the 7 days before now; at most 93 days), most impressions first, ' +
          'ties by value. Read from the hourly dimension rollup; the parts of the range outside whole hours from raw events.',
        tags: ['kpis'],
        security: bearerSecurity,
        querystring,
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { dimension, campaign_id: campaignId, limit } = request.query;
      const range = requestRange(request.query, now(), { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 93 * DAY_MS });
      const sql = breakdownSql(opts.database, { tenant: request.principal!.tenant, range, dimension, campaignId, limit });
      const rows = await queryRows<MeasuresRow & { k: string }>(opts.clickhouse, sql);
      return {
        dimension,
        campaign_id: campaignId ?? null,
        from: rfc3339(range.fromMs),
        to: rfc3339(range.toMs),
        rows: rows.map((row) => ({ value: row.k === '' ? null : row.k, ...measuresFromRow(row) })),
      };
    },
  );
}
