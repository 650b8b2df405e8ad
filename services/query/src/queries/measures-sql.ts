import { sqlIdentifier, sqlString } from '@adstream/shared/sql';
import type { TimeRange } from '../time-range.ts';
import { GRANULARITY_SECONDS, type Granularity } from './granularity.ts';
import type { DimensionColumn, MeasureSource } from './measure-sources.ts';
import { planSegments, type Segment } from './rollup-plan.ts';

export type KeyColumn = 'campaign_id' | DimensionColumn;
/** Rows per time bucket (the key is its start in epoch seconds) or per column value (as text: an Enum8 device reads as its name). */
export type GroupBy = { time: Granularity } | { column: KeyColumn };

export interface MeasuresQuery {
  database: string;
  tenant: string;
  range: TimeRange;
  /** Sources coarsest first; every filter and key column must exist in each. */
  ladder: readonly MeasureSource[];
  filters?: Partial<Record<KeyColumn, string>>;
  groupBy?: GroupBy;
  /** An ORDER BY list over the output columns; callers build it from fixed parts only. */
  orderBy?: string;
  limit?: number;
}

/** The output columns besides the key `k`: additive totals (money in micros) and unique users. */
export const MEASURE_COLUMNS = ['impressions', 'clicks', 'conversions', 'bids', 'wins', 'spend_micros', 'revenue_micros', 'unique_users'] as const;
export type MeasuresRow = Record<(typeof MEASURE_COLUMNS)[number], string | number>;

const STATE_COLUMNS = 'impressions, clicks, conversions, bids, wins, spend_micros, revenue_micros, users';
// The rollups' materialized-view expressions: raw rows become states of exactly the rollup columns' types.
const RAW_STATES = `sumState(toUInt64(type = 'impression')) AS impressions, sumState(toUInt64(type = 'click')) AS clicks,
      sumState(toUInt64(type = 'conversion')) AS conversions, sumState(toUInt64(type = 'bid')) AS bids, sumState(toUInt64(type = 'win')) AS wins,
      sumState(cost_micros) AS spend_micros, sumState(revenue_micros) AS revenue_micros, uniqIfState(user_id, user_id != '') AS users`;
const MERGED = `sumMerge(impressions) AS impressions, sumMerge(clicks) AS clicks, sumMerge(conversions) AS conversions,
    sumMerge(bids) AS bids, sumMerge(wins) AS wins, sumMerge(spend_micros) AS spend_micros, sumMerge(revenue_micros) AS revenue_micros,
    uniqIfMerge(users) AS unique_users`;
const TIME_FUNCTION: Record<Granularity, string> = { minute: 'toStartOfMinute', hour: 'toStartOfHour', day: 'toStartOfDay' };

/** A branch's key column: the series bucket its rows fall in, or the grouped column itself. */
function branchKey(source: MeasureSource, groupBy: GroupBy | undefined): { select: string; name: string } | undefined {
  if (groupBy === undefined) return undefined;
  if ('time' in groupBy) return { select: `${TIME_FUNCTION[groupBy.time]}(${source.time}) AS bucket`, name: 'bucket' };
  const column = sqlIdentifier(groupBy.column);
  return { select: column, name: column };
}

function branchSql(db: string, source: MeasureSource, segments: readonly Segment<MeasureSource>[], q: MeasuresQuery): string {
  const conditions = [`tenant_id = ${sqlString(q.tenant)}`];
  for (const [column, value] of Object.entries(q.filters ?? {})) {
    if (value !== undefined) conditions.push(`${sqlIdentifier(column)} = ${sqlString(value)}`);
  }
  const ranges = segments.map((s) => source.rangeCondition(s.fromS, s.toS));
  conditions.push(ranges.length === 1 ? ranges[0]! : `(${ranges.map((r) => `(${r})`).join(' OR ')})`);
  const key = branchKey(source, q.groupBy);
  const columns = [...(key === undefined ? [] : [key.select]), source.raw ? RAW_STATES : STATE_COLUMNS].join(', ');
  // Rollup rows are already states and pass through; raw rows are aggregated into states here.
  const groupBy = source.raw && key !== undefined ? ` GROUP BY ${key.name}` : '';
  return `SELECT ${columns}
    FROM ${db}.${source.table}
    WHERE ${conditions.join(' AND ')}${groupBy}`;
}

/**
 * Measures over a time range, optionally per key, read from the coarsest
 * sources the range allows (planSegments) and merged in one query: every
 * branch yields aggregate states of the same types, so sums add up and
 * unique users are counted once across branches.
 */
export function measuresSql(q: MeasuresQuery): string {
  const db = sqlIdentifier(q.database);
  const fromS = Math.floor(q.range.fromMs / 1000);
  const toS = Math.floor(q.range.toMs / 1000);
  if (fromS >= toS) throw new Error('empty time range');
  const seriesBucket = q.groupBy !== undefined && 'time' in q.groupBy ? GRANULARITY_SECONDS[q.groupBy.time] : undefined;
  // A source coarser than the series buckets cannot say which bucket its rows belong to.
  const ladder = seriesBucket === undefined ? q.ladder : q.ladder.filter((s) => s.bucketSeconds <= seriesBucket);
  const segments = planSegments(fromS, toS, ladder);
  const branches = ladder.flatMap((source) => {
    const own = segments.filter((s) => s.source === source);
    return own.length === 0 ? [] : [branchSql(db, source, own, q)];
  });

  let key = '';
  if (q.groupBy !== undefined) key = 'time' in q.groupBy ? 'toUnixTimestamp(bucket) AS k, ' : `toString(${sqlIdentifier(q.groupBy.column)}) AS k, `;
  const clauses = [
    `SELECT ${key}${MERGED}`,
    `FROM (\n    ${branches.join('\n    UNION ALL\n    ')}\n  )`,
    ...(q.groupBy === undefined ? [] : ['GROUP BY k']),
    ...(q.orderBy === undefined ? [] : [`ORDER BY ${q.orderBy}`]),
    ...(q.limit === undefined ? [] : [`LIMIT ${limitValue(q.limit)}`]),
  ];
  return clauses.join('\n  ');
}

function limitValue(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`not a row limit: ${limit}`);
  return limit;
}
