import type { TimeRange } from '../time-range.ts';
import { DIMENSION_LADDER, type DimensionColumn } from './measure-sources.ts';
import { measuresSql } from './measures-sql.ts';

export const BREAKDOWN_DIMENSIONS = ['platform', 'device', 'country', 'ad', 'creative', 'publisher'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

const DIMENSION_COLUMN: Record<BreakdownDimension, DimensionColumn> = {
  platform: 'platform',
  device: 'device',
  country: 'country',
  ad: 'ad_id',
  creative: 'creative_id',
  publisher: 'publisher_id',
};

export interface BreakdownQuery {
  tenant: string;
  range: TimeRange;
  dimension: BreakdownDimension;
  campaignId?: string;
  limit: number;
}

/** One row per value of the dimension (`k`, as text), most impressions first. */
export function breakdownSql(database: string, q: BreakdownQuery): string {
  return measuresSql({
    database,
    tenant: q.tenant,
    range: q.range,
    ladder: DIMENSION_LADDER,
    ...(q.campaignId === undefined ? {} : { filters: { campaign_id: q.campaignId } }),
    groupBy: { column: DIMENSION_COLUMN[q.dimension] },
    orderBy: 'impressions DESC, k ASC',
    limit: q.limit,
  });
}
