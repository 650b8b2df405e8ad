import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { computeKpis, type Totals } from '@adstream/shared/kpi';
import { insightsTotalsSql } from '../insights-query.ts';
import { parseRange } from '../time-range.ts';

export interface InsightsRouteOptions {
  clickhouse: ClickHouseClient;
  database: string;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const params = z.strictObject({ id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces') });
const query = z.strictObject({
  from: z.string().optional(),
  to: z.string().optional(),
  platform: z.string().min(1).max(32).optional(),
});

function badRequest(message: string) {
  return { statusCode: 400, error: 'Bad Request', message };
}

type Row = Record<keyof Totals | 'unique_users', string | number>;

export async function insightsRoute(app: FastifyInstance, opts: InsightsRouteOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  app.get('/v1/campaigns/:id/insights', { onRequest: app.requireScope('query') }, async (request, reply) => {
    const p = params.safeParse(request.params);
    if (!p.success) return reply.code(400).send(badRequest(`id: ${p.error.issues[0]!.message}`));
    const q = query.safeParse(request.query);
    if (!q.success) {
      const issue = q.error.issues[0]!;
      const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      return reply.code(400).send(badRequest(`${name}: ${issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message}`));
    }
    const range = parseRange(q.data.from, q.data.to, now(), 7 * DAY_MS, 400 * DAY_MS);
    if (!range.ok) return reply.code(400).send(badRequest(`${range.parameter}: ${range.message}`));
    const platform = q.data.platform?.toLowerCase();
    const sql = insightsTotalsSql(opts.database, { tenant: request.principal!.tenant, campaignId: p.data.id, range: range.range, platform });
    const result = await opts.clickhouse.query({ query: sql, format: 'JSONEachRow' });
    const [row] = await result.json<Row>();
    const totals: Totals = {
      impressions: Number(row?.impressions ?? 0),
      clicks: Number(row?.clicks ?? 0),
      conversions: Number(row?.conversions ?? 0),
      bids: Number(row?.bids ?? 0),
      wins: Number(row?.wins ?? 0),
      spend_micros: Number(row?.spend_micros ?? 0),
      revenue_micros: Number(row?.revenue_micros ?? 0),
    };
    const { spend_micros: _s, revenue_micros: _r, ...counts } = totals;
    return {
      campaign_id: p.data.id,
      from: new Date(range.range.fromMs).toISOString(),
      to: new Date(range.range.toMs).toISOString(),
      platform: platform ?? null,
      totals: { ...counts, unique_users: Number(row?.unique_users ?? 0), ...computeKpis(totals) },
    };
  });
}
