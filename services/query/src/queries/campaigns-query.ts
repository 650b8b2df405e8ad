import type { MeasureKey } from '../schemas/measures.ts';
import type { TimeRange } from '../time-range.ts';
import { CAMPAIGN_LADDER } from './measure-sources.ts';
import { measuresSql } from './measures-sql.ts';

export type SortOrder = 'asc' | 'desc';

export interface CampaignRankingQuery {
  tenant: string;
  range: TimeRange;
  sort: MeasureKey;
  order: SortOrder;
  limit: number;
}

type Column = 'impressions' | 'clicks' | 'conversions' | 'bids' | 'wins' | 'unique_users' | 'spend_micros' | 'revenue_micros';

/** Every Measures key as SQL over measuresSql's columns: a column, or a ratio (computeKpis' definitions; constant factors do not change an order). */
const SORT_EXPRESSIONS: Record<MeasureKey, Column | { numerator: Column; denominator: Column }> = {
  impressions: 'impressions',
  clicks: 'clicks',
  conversions: 'conversions',
  bids: 'bids',
  wins: 'wins',
  unique_users: 'unique_users',
  spend: 'spend_micros',
  revenue: 'revenue_micros',
  ctr: { numerator: 'clicks', denominator: 'impressions' },
  cvr: { numerator: 'conversions', denominator: 'clicks' },
  cpc: { numerator: 'spend_micros', denominator: 'clicks' },
  cpm: { numerator: 'spend_micros', denominator: 'impressions' },
  cpa: { numerator: 'spend_micros', denominator: 'conversions' },
  roas: { numerator: 'revenue_micros', denominator: 'spend_micros' },
  win_rate: { numerator: 'wins', denominator: 'bids' },
};

/**
 * ORDER BY for a Measures key. A ratio whose denominator is 0 is null in the
 * answer and sorts last in either direction: the zero-denominator flag sorts
 * first (false before true), and the ratio is never computed as a Nullable,
 * which 18.16 and current engines would order differently. Ties go by key.
 */
export function rankingOrderBy(sort: MeasureKey, order: SortOrder): string {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  const expr = SORT_EXPRESSIONS[sort];
  if (typeof expr === 'string') return `${expr} ${direction}, k ASC`;
  const { numerator, denominator } = expr;
  return `${denominator} = 0 ASC, if(${denominator} = 0, 0, ${numerator} / ${denominator}) ${direction}, k ASC`;
}

/** Campaigns with events in the range, best first by `sort`; `k` is the campaign id. */
export function campaignRankingSql(database: string, q: CampaignRankingQuery): string {
  return measuresSql({
    database,
    tenant: q.tenant,
    range: q.range,
    ladder: CAMPAIGN_LADDER,
    groupBy: { column: 'campaign_id' },
    orderBy: rankingOrderBy(q.sort, q.order),
    limit: q.limit,
  });
}
