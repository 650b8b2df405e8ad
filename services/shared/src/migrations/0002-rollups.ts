import type { Migration } from './migration.ts';

/**
 * Rollups fed by materialized views on `events`. Every measure is an
 * aggregate-function state, so parts merge correctly and queries read them
 * with the matching -Merge combinator (see `rollup-measures.ts`).
 */
const MEASURES = `
      impressions AggregateFunction(sum, UInt64),
      clicks AggregateFunction(sum, UInt64),
      conversions AggregateFunction(sum, UInt64),
      bids AggregateFunction(sum, UInt64),
      wins AggregateFunction(sum, UInt64),
      spend_micros AggregateFunction(sum, UInt64),
      revenue_micros AggregateFunction(sum, UInt64),
      bid_price_micros AggregateFunction(sum, UInt64),
      win_price_micros AggregateFunction(sum, UInt64),
      users AggregateFunction(uniqIf, String, UInt8)`;

const STATES = `
      sumState(toUInt64(type = 'impression')) AS impressions,
      sumState(toUInt64(type = 'click')) AS clicks,
      sumState(toUInt64(type = 'conversion')) AS conversions,
      sumState(toUInt64(type = 'bid')) AS bids,
      sumState(toUInt64(type = 'win')) AS wins,
      sumState(cost_micros) AS spend_micros,
      sumState(revenue_micros) AS revenue_micros,
      sumState(bid_price_micros) AS bid_price_micros,
      sumState(win_price_micros) AS win_price_micros,
      uniqIfState(user_id, user_id != '') AS users`;

interface RollupShape {
  table: string;
  bucket: { column: string; expr: string; partition: string };
  dimensions: readonly string[];
}

export const ROLLUPS: readonly RollupShape[] = [
  { table: 'rollup_campaign_minute', bucket: { column: 'minute', expr: 'toStartOfMinute(ts)', partition: 'toYYYYMMDD(minute)' }, dimensions: [] },
  { table: 'rollup_campaign_hour', bucket: { column: 'hour', expr: 'toStartOfHour(ts)', partition: 'toYYYYMM(hour)' }, dimensions: [] },
  { table: 'rollup_campaign_day', bucket: { column: 'day', expr: 'toDate(ts)', partition: 'toYYYYMM(day)' }, dimensions: [] },
  {
    table: 'rollup_dimensions_hour',
    bucket: { column: 'hour', expr: 'toStartOfHour(ts)', partition: 'toYYYYMM(hour)' },
    dimensions: ['platform', 'device', 'country', 'ad_id', 'creative_id', 'publisher_id'],
  },
];

function rollupStatements(db: string, shape: RollupShape): string[] {
  const { table, bucket, dimensions } = shape;
  const bucketType = bucket.expr.startsWith('toDate(') ? 'Date' : 'DateTime';
  const dimColumns = dimensions.map((d) => `      ${d} ${d === 'device' ? "Enum8('unknown' = 0, 'mobile' = 1, 'desktop' = 2, 'tablet' = 3, 'ctv' = 4, 'other' = 5)" : 'String'},`).join('\n');
  const key = ['tenant_id', 'campaign_id', bucket.column, ...dimensions].join(', ');
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${table} (
      tenant_id String,
      campaign_id String,
      ${bucket.column} ${bucketType},
${dimColumns}${MEASURES}
    ) ENGINE = AggregatingMergeTree
    PARTITION BY ${bucket.partition}
    ORDER BY (${key})`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${table}_mv TO ${db}.${table} AS
      SELECT tenant_id, campaign_id, ${bucket.expr} AS ${bucket.column}${dimensions.map((d) => `, ${d}`).join('')},${STATES}
      FROM ${db}.events
      GROUP BY ${key}`,
  ];
}

export const rollupsMigration: Migration = {
  version: 2,
  name: 'rollups',
  statements: (db) => ROLLUPS.flatMap((shape) => rollupStatements(db, shape)),
};
