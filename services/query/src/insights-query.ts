import { sqlDateTime, sqlIdentifier, sqlString } from '@adstream/shared/sql';
import type { TimeRange } from './time-range.ts';

export interface InsightsFilter {
  tenant: string;
  campaignId: string;
  range: TimeRange;
  platform?: string;
}

/**
 * Campaign totals from the rollups: the per-minute rollup when no dimension
 * is filtered, the hourly dimension rollup when a platform is. The tenant
 * condition is always present: it is what keeps tenants apart.
 */
export function insightsTotalsSql(database: string, f: InsightsFilter): string {
  const db = sqlIdentifier(database);
  const byPlatform = f.platform !== undefined;
  const table = byPlatform ? 'rollup_dimensions_hour' : 'rollup_campaign_minute';
  const bucket = byPlatform ? 'hour' : 'minute';
  const conditions = [
    `tenant_id = ${sqlString(f.tenant)}`,
    `campaign_id = ${sqlString(f.campaignId)}`,
    `${bucket} >= ${sqlDateTime(f.range.fromMs)}`,
    `${bucket} < ${sqlDateTime(f.range.toMs)}`,
  ];
  if (byPlatform) conditions.push(`platform = ${sqlString(f.platform!)}`);
  return `SELECT
    sumMerge(impressions) AS impressions,
    sumMerge(clicks) AS clicks,
    sumMerge(conversions) AS conversions,
    sumMerge(bids) AS bids,
    sumMerge(wins) AS wins,
    sumMerge(spend_micros) AS spend_micros,
    sumMerge(revenue_micros) AS revenue_micros,
    uniqIfMerge(users) AS unique_users
  FROM ${db}.${table}
  WHERE ${conditions.join(' AND ')}`;
}
