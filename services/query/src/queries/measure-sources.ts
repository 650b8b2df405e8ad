import { sqlDateTime, sqlString } from '@adstream/shared/sql';

/**
 * A table the measures can be read from: a rollup (rows hold aggregate
 * states per bucket) or the raw `events` table (rows become states when
 * read). `time` is the row's bucket start as a DateTime expression.
 */
export interface MeasureSource {
  table: string;
  bucketSeconds: number;
  raw: boolean;
  time: string;
  /** Rows whose bucket lies in [fromS, toS); both are multiples of bucketSeconds. */
  rangeCondition(fromS: number, toS: number): string;
}

const dateTimeRange = (column: string) => (fromS: number, toS: number) => `${column} >= ${sqlDateTime(fromS * 1000)} AND ${column} < ${sqlDateTime(toS * 1000)}`;
// Day buckets are the server's calendar days; servers run in UTC (docs/clickhouse-compatibility.md).
const utcDate = (s: number) => `toDate(${sqlString(new Date(s * 1000).toISOString().slice(0, 10))})`;

export const RAW_EVENTS: MeasureSource = { table: 'events', bucketSeconds: 1, raw: true, time: 'ts', rangeCondition: dateTimeRange('ts') };

const CAMPAIGN_MINUTE: MeasureSource = { table: 'rollup_campaign_minute', bucketSeconds: 60, raw: false, time: 'minute', rangeCondition: dateTimeRange('minute') };
const CAMPAIGN_HOUR: MeasureSource = { table: 'rollup_campaign_hour', bucketSeconds: 3_600, raw: false, time: 'hour', rangeCondition: dateTimeRange('hour') };
const CAMPAIGN_DAY: MeasureSource = {
  table: 'rollup_campaign_day',
  bucketSeconds: 86_400,
  raw: false,
  time: 'toDateTime(day)',
  rangeCondition: (fromS, toS) => `day >= ${utcDate(fromS)} AND day < ${utcDate(toS)}`,
};
const DIMENSIONS_HOUR: MeasureSource = { table: 'rollup_dimensions_hour', bucketSeconds: 3_600, raw: false, time: 'hour', rangeCondition: dateTimeRange('hour') };

/**
 * Sources from coarsest to finest. A range is read from the coarsest source
 * its whole buckets fit, and its ragged edges from finer ones, down to the
 * raw events for parts of a minute (see rollup-plan.ts).
 */
export const CAMPAIGN_LADDER: readonly MeasureSource[] = [CAMPAIGN_DAY, CAMPAIGN_HOUR, CAMPAIGN_MINUTE, RAW_EVENTS];

/** For questions about platform, device, country, ad, creative or publisher: only an hourly rollup holds them. */
export const DIMENSION_LADDER: readonly MeasureSource[] = [DIMENSIONS_HOUR, RAW_EVENTS];

/** Columns that every source of DIMENSION_LADDER has, so they can be filtered and grouped on. */
export const DIMENSION_COLUMNS = ['platform', 'device', 'country', 'ad_id', 'creative_id', 'publisher_id'] as const;
export type DimensionColumn = (typeof DIMENSION_COLUMNS)[number];
