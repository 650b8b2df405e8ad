import { sqlDateTime, sqlIdentifier, sqlString } from '@adstream/shared/sql';
import type { TimeRange } from '../time-range.ts';

/** How long before the range a conversion's click may have happened and still be found. */
export const CLICK_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

export interface FunnelFilter {
  tenant: string;
  campaignId: string;
  range: TimeRange;
}

/**
 * The median time from click to conversion, from raw events: only they
 * carry `click_id`. Conversions in the range are joined to their click (the
 * event whose event_id is the conversion's click_id) in the same tenant and
 * campaign, at most CLICK_LOOKBACK_DAYS before the range; a conversion
 * stamped before its click is left out. One row: the number of pairs and the
 * two middle delays in seconds (equal for an odd count). The click side is
 * narrowed to the clicks named by the conversions before the join builds its
 * hash table.
 */
export function clickToConversionSql(database: string, f: FunnelFilter): string {
  const db = sqlIdentifier(database);
  const scope = `tenant_id = ${sqlString(f.tenant)} AND campaign_id = ${sqlString(f.campaignId)}`;
  const conversions = `${scope} AND type = 'conversion' AND click_id != '' AND ts >= ${sqlDateTime(f.range.fromMs)} AND ts < ${sqlDateTime(f.range.toMs)}`;
  return `SELECT n, delays[intDiv(n + 1, 2)] AS lower_middle, delays[intDiv(n, 2) + 1] AS upper_middle
  FROM (
    SELECT count() AS n, arraySort(groupArray(conversion_ts - click_ts)) AS delays
    FROM (
      SELECT click_id, toInt64(toUnixTimestamp(ts)) AS conversion_ts FROM ${db}.events WHERE ${conversions}
    ) AS conversions ALL INNER JOIN (
      SELECT toString(event_id) AS click_id, toInt64(toUnixTimestamp(ts)) AS click_ts FROM ${db}.events
      WHERE ${scope} AND type = 'click'
        AND ts >= ${sqlDateTime(f.range.fromMs - CLICK_LOOKBACK_DAYS * DAY_MS)} AND ts < ${sqlDateTime(f.range.toMs)}
        AND event_id IN (SELECT toUUID(click_id) FROM ${db}.events WHERE ${conversions})
    ) AS clicks USING click_id
    WHERE conversion_ts >= click_ts
  )`;
}

export interface MedianRow {
  n: string | number;
  lower_middle: string | number;
  upper_middle: string | number;
}

export function medianFromRow(row: MedianRow | undefined): number | null {
  if (row === undefined || Number(row.n) === 0) return null;
  return (Number(row.lower_middle) + Number(row.upper_middle)) / 2;
}

export type FunnelSteps = [
  { step: 'impression'; count: number },
  { step: 'click'; count: number; rate: number | null },
  { step: 'conversion'; count: number; rate: number | null },
];

/** Each step's rate is its count over the previous step's; null when that is 0. */
export function funnelSteps(impressions: number, clicks: number, conversions: number): FunnelSteps {
  const rate = (count: number, previous: number) => (previous === 0 ? null : count / previous);
  return [
    { step: 'impression', count: impressions },
    { step: 'click', count: clicks, rate: rate(clicks, impressions) },
    { step: 'conversion', count: conversions, rate: rate(conversions, clicks) },
  ];
}
