import type { TimeRange } from '../time-range.ts';
import type { Granularity } from './granularity.ts';
import { CAMPAIGN_LADDER, DIMENSION_LADDER } from './measure-sources.ts';
import { measuresSql, type MeasuresQuery } from './measures-sql.ts';

export interface InsightsFilter {
  tenant: string;
  campaignId: string;
  range: TimeRange;
  /** Lower-case, as stored. */
  platform?: string;
}

/**
 * The campaign rollups answer without a platform; with one, only the hourly
 * dimension rollup (and raw events for the parts of hours) can. The tenant
 * condition is always present: it is what keeps tenants apart.
 */
function campaignQuery(database: string, f: InsightsFilter): MeasuresQuery {
  const byPlatform = f.platform !== undefined;
  return {
    database,
    tenant: f.tenant,
    range: f.range,
    ladder: byPlatform ? DIMENSION_LADDER : CAMPAIGN_LADDER,
    filters: byPlatform ? { campaign_id: f.campaignId, platform: f.platform } : { campaign_id: f.campaignId },
  };
}

/** One row: the campaign's measures over the range. */
export function insightsTotalsSql(database: string, f: InsightsFilter): string {
  return measuresSql(campaignQuery(database, f));
}

/** One row per bucket with data, ascending; `k` is the bucket start in epoch seconds. */
export function insightsSeriesSql(database: string, f: InsightsFilter, granularity: Granularity): string {
  return measuresSql({ ...campaignQuery(database, f), groupBy: { time: granularity }, orderBy: 'k ASC' });
}
