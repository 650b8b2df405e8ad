import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryRows } from '../clickhouse-rows.ts';
import { DEFAULT_SPAN_MS, defaultGranularity, GRANULARITIES, MAX_SPAN_MS, type Granularity } from '../queries/granularity.ts';
import { insightsSeriesSql, insightsTotalsSql, type InsightsFilter } from '../queries/insights-query.ts';
import { measuresFromRow } from '../queries/measures-row.ts';
import type { MeasuresRow } from '../queries/measures-sql.ts';
import { requestRange, rfc3339 } from '../request-range.ts';
import type { KpiRouteOptions } from '../route-options.ts';
import { bearerSecurity, errorResponses } from '../schemas/error.ts';
import { measuresSchema, measuresShape } from '../schemas/measures.ts';
import { choiceParam, idParam, platformParam, timeParam } from '../schemas/params.ts';

const DAY_MS = 86_400_000;

const querystring = z.strictObject({
  from: timeParam.optional(),
  to: timeParam.optional(),
  platform: platformParam.optional(),
  granularity: choiceParam(GRANULARITIES)
    .optional()
    .meta({ description: 'series bucket; default from the range: ≤ 6 h minute, ≤ 14 d hour, else day. Longest range: minute 3 d, hour 93 d, day 800 d' }),
});

const seriesPointSchema = z.object({ t: z.string().meta({ description: 'bucket start, RFC 3339 UTC' }), ...measuresShape }).meta({ id: 'SeriesPoint' });

const responseSchema = z.object({
  campaign_id: z.string(),
  from: z.string(),
  to: z.string(),
  platform: z.string().nullable(),
  granularity: z.enum(GRANULARITIES),
  totals: measuresSchema,
  series: z.array(seriesPointSchema).meta({ description: 'buckets with data, ascending; the first and last cover only the part inside the range' }),
});

/** Without a granularity the range may be as long as the coarsest one allows, and picks the granularity. */
function rangeAndGranularity(query: z.output<typeof querystring>, nowMs: number) {
  const asked: Granularity | undefined = query.granularity;
  if (asked !== undefined) {
    const range = requestRange(query, nowMs, { defaultSpanMs: DEFAULT_SPAN_MS[asked], maxSpanMs: MAX_SPAN_MS[asked], context: `for granularity=${asked}` });
    return { range, granularity: asked };
  }
  const range = requestRange(query, nowMs, { defaultSpanMs: 7 * DAY_MS, maxSpanMs: MAX_SPAN_MS.day });
  return { range, granularity: defaultGranularity(range.toMs - range.fromMs) };
}

export async function insightsRoute(app: FastifyInstance, opts: KpiRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/campaigns/:id/insights',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'A campaign’s totals and time series',
        description:
          'Measures of one campaign over [from, to), in total and per time bucket. Defaults: to = now, from = to − 7 d ' +
          '(with a granularity: minute 6 h, hour 7 d, day 90 d). Read from the rollups; the parts of the range that do not fill a ' +
          'whole rollup bucket are read from finer rollups or raw events, so nothing outside the range is counted.',
        tags: ['kpis'],
        security: bearerSecurity,
        params: z.strictObject({ id: idParam.meta({ description: 'campaign id' }) }),
        querystring,
        response: { 200: responseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { range, granularity } = rangeAndGranularity(request.query, now());
      const filter: InsightsFilter = { tenant: request.principal!.tenant, campaignId: request.params.id, range, platform: request.query.platform };
      const [totals, series] = await Promise.all([
        queryRows<MeasuresRow>(opts.clickhouse, insightsTotalsSql(opts.database, filter)),
        queryRows<MeasuresRow & { k: number }>(opts.clickhouse, insightsSeriesSql(opts.database, filter, granularity)),
      ]);
      return {
        campaign_id: request.params.id,
        from: rfc3339(range.fromMs),
        to: rfc3339(range.toMs),
        platform: request.query.platform ?? null,
        granularity,
        totals: measuresFromRow(totals[0]),
        series: series.map((row) => ({ t: rfc3339(Number(row.k) * 1000), ...measuresFromRow(row) })),
      };
    },
  );
}
