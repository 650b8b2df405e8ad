import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryRows } from '../clickhouse-rows.ts';
import { campaignRankingSql } from '../queries/campaigns-query.ts';
import { measuresFromRow } from '../queries/measures-row.ts';
import type { MeasuresRow } from '../queries/measures-sql.ts';
import { requestRange, rfc3339 } from '../request-range.ts';
import type { KpiRouteOptions } from '../route-options.ts';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import { MEASURE_KEYS, measuresShape, type MeasureKey } from '../schemas/measures.ts';
import { choiceParam, limitParam, timeParam } from '../schemas/params.ts';

const DAY_MS = 86_400_000;
const ORDERS = ['desc', 'asc'] as const;

const querystring = z.strictObject({
  from: timeParam.optional(),
  to: timeParam.optional(),
  sort: choiceParam(MEASURE_KEYS as [MeasureKey, ...MeasureKey[]])
    .default('impressions')
    .meta({ description: 'the Measures key to rank by; a ratio that is null (zero denominator) ranks last either way' }),
  order: choiceParam(ORDERS).default('desc'),
  limit: limitParam(50, 1000),
});

const responseSchema = z.object({
  from: z.string(),
  to: z.string(),
  sort: z.enum(MEASURE_KEYS as [MeasureKey, ...MeasureKey[]]),
  order: z.enum(ORDERS),
  campaigns: z.array(z.object({ campaign_id: z.string(), ...measuresShape }).meta({ id: 'CampaignMeasures' })),
});

export async function campaignsRoute(app: FastifyInstance, opts: KpiRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/campaigns',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'Campaigns ranked by a measure',
        description:
          'Every campaign with events in [from, to) (default: the 7 days before now; at most 800 days), ranked by `sort`. ' +
          'Ties are broken by campaign id.',
        tags: ['kpis'],
        security: bearerSecurity,
        querystring,
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { sort, order, limit } = request.query;
      const range = requestRange(request.query, now(), { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 800 * DAY_MS });
      const sql = campaignRankingSql(opts.database, { tenant: request.principal!.tenant, range, sort, order, limit });
      const rows = await queryRows<MeasuresRow & { k: string }>(opts.clickhouse, sql);
      return {
        from: rfc3339(range.fromMs),
        to: rfc3339(range.toMs),
        sort,
        order,
        campaigns: rows.map((row) => ({ campaign_id: row.k, ...measuresFromRow(row) })),
      };
    },
  );
}
