import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryRows } from '../clickhouse-rows.ts';
import { CLICK_LOOKBACK_DAYS, clickToConversionSql, funnelSteps, medianFromRow, type MedianRow } from '../queries/funnel-query.ts';
import { insightsTotalsSql } from '../queries/insights-query.ts';
import { measuresFromRow } from '../queries/measures-row.ts';
import type { MeasuresRow } from '../queries/measures-sql.ts';
import { requestRange, rfc3339 } from '../request-range.ts';
import type { KpiRouteOptions } from '../route-options.ts';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import { idParam, timeParam } from '../schemas/params.ts';

const DAY_MS = 86_400_000;

const querystring = z.strictObject({
  campaign_id: idParam.meta({ description: 'campaign id' }),
  from: timeParam.optional(),
  to: timeParam.optional(),
});

const rate = z.number().nullable().meta({ description: 'count / previous step’s count; null when that is 0' });
const responseSchema = z.object({
  campaign_id: z.string(),
  from: z.string(),
  to: z.string(),
  steps: z.tuple([
    z.object({ step: z.literal('impression'), count: z.number().int() }),
    z.object({ step: z.literal('click'), count: z.number().int(), rate }),
    z.object({ step: z.literal('conversion'), count: z.number().int(), rate }),
  ]),
  median_click_to_conversion_seconds: z
    .number()
    .nullable()
    .meta({ description: `median seconds from a click to the conversion naming it in click_id (clicks up to ${CLICK_LOOKBACK_DAYS} days before the range); null without any such pair` }),
});

export async function funnelRoute(app: FastifyInstance, opts: KpiRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/funnel',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'A campaign’s impression → click → conversion funnel',
        description:
          'Step counts over [from, to) (default: the 7 days before now; at most 93 days) from the rollups, and the median click-to-conversion ' +
          'time from raw events, pairing each conversion with its click by click_id.',
        tags: ['kpis'],
        security: bearerSecurity,
        querystring,
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const range = requestRange(request.query, now(), { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 93 * DAY_MS });
      const filter = { tenant: request.principal!.tenant, campaignId: request.query.campaign_id, range };
      const [totals, median] = await Promise.all([
        queryRows<MeasuresRow>(opts.clickhouse, insightsTotalsSql(opts.database, filter)),
        queryRows<MedianRow>(opts.clickhouse, clickToConversionSql(opts.database, filter)),
      ]);
      const { impressions, clicks, conversions } = measuresFromRow(totals[0]);
      return {
        campaign_id: filter.campaignId,
        from: rfc3339(range.fromMs),
        to: rfc3339(range.toMs),
        steps: funnelSteps(impressions, clicks, conversions),
        median_click_to_conversion_seconds: medianFromRow(median[0]),
      };
    },
  );
}
