import type { Migration } from './migration.ts';

/**
 * Raw events, one row per distinct (tenant_id, event_id), and the narrow
 * `event_ids` index the processor consults to drop already-stored events.
 * `event_ids` keys the id as text: ClickHouse orders the UUID type by its
 * second half first, which scatters time-ordered UUIDv7 ids over the whole
 * index, while their text sorts by time, so a batch of new ids touches only
 * the newest granules (measured: 51k ids against 3M rows, 30-80 ms as text,
 * 330-400 ms as UUID).
 * Types stay within what ClickHouse 18.16 and current releases share
 * (no LowCardinality, Map, DateTime64 or query parameters).
 */
export const eventsMigration: Migration = {
  version: 1,
  name: 'events',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.events (
      event_id UUID,
      tenant_id String,
      type Enum8('impression' = 1, 'click' = 2, 'conversion' = 3, 'bid' = 4, 'win' = 5),
      campaign_id String,
      ts DateTime,
      received_at DateTime,
      ad_group_id String,
      ad_id String,
      creative_id String,
      platform String,
      publisher_id String,
      site_id String,
      placement_id String,
      user_id String,
      session_id String,
      device Enum8('unknown' = 0, 'mobile' = 1, 'desktop' = 2, 'tablet' = 3, 'ctv' = 4, 'other' = 5),
      os String,
      browser String,
      country String,
      region String,
      city String,
      bid_price_micros UInt64,
      win_price_micros UInt64,
      cost_micros UInt64,
      revenue_micros UInt64,
      currency String,
      click_id String,
      metadata_keys Array(String),
      metadata_values Array(String)
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMMDD(ts)
    ORDER BY (tenant_id, campaign_id, ts, event_id)`,
    `CREATE TABLE IF NOT EXISTS ${db}.event_ids (
      tenant_id String,
      event_id FixedString(36),
      ts DateTime
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(ts)
    ORDER BY (tenant_id, event_id)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.event_ids_mv TO ${db}.event_ids AS
      SELECT tenant_id, toFixedString(toString(event_id), 36) AS event_id, ts FROM ${db}.events`,
  ],
};
