import { sqlIdentifier, sqlString } from '@adstream/shared/sql';
import type { StoredEvent } from '../schemas/event.ts';

export interface LatestEventsQuery {
  tenant: string;
  campaignId?: string;
  limit: number;
}

/** Text columns of `events` that hold an optional field of the contract ('' when it was absent). */
const OPTIONAL_TEXT = [
  'ad_group_id',
  'ad_id',
  'creative_id',
  'platform',
  'publisher_id',
  'site_id',
  'placement_id',
  'user_id',
  'session_id',
  'os',
  'browser',
  'country',
  'region',
  'city',
  'currency',
  'click_id',
] as const;

export type LatestEventRow = Record<(typeof OPTIONAL_TEXT)[number] | 'id' | 'event_type' | 'campaign_id' | 'device_name', string> &
  Record<'ts_s' | 'received_s' | 'bid_price_micros' | 'win_price_micros' | 'cost_micros' | 'revenue_micros', string | number> & {
    metadata_keys: string[];
    metadata_values: string[];
  };

/**
 * The newest events by event time. Sorting a tenant's whole table for a few
 * rows would read every column of every row, so a scalar subquery first
 * finds the oldest `ts` among the newest `limit` events, reading `ts` alone,
 * and the outer query reads full rows from there on. Output aliases differ
 * from column names: an alias would shadow its column in WHERE and ORDER BY.
 */
export function latestEventsSql(database: string, q: LatestEventsQuery): string {
  const db = sqlIdentifier(database);
  if (!Number.isSafeInteger(q.limit) || q.limit < 1) throw new Error(`not a row limit: ${q.limit}`);
  const scope = [`tenant_id = ${sqlString(q.tenant)}`, ...(q.campaignId === undefined ? [] : [`campaign_id = ${sqlString(q.campaignId)}`])].join(' AND ');
  return `SELECT toString(event_id) AS id, toString(type) AS event_type, campaign_id,
    toUnixTimestamp(ts) AS ts_s, toUnixTimestamp(received_at) AS received_s, toString(device) AS device_name,
    ${OPTIONAL_TEXT.join(', ')},
    bid_price_micros, win_price_micros, cost_micros, revenue_micros, metadata_keys, metadata_values
  FROM ${db}.events
  WHERE ${scope} AND ts >= (SELECT min(ts) FROM (SELECT ts FROM ${db}.events WHERE ${scope} ORDER BY ts DESC LIMIT ${q.limit}))
  ORDER BY ts DESC, received_at DESC, event_id DESC
  LIMIT ${q.limit}`;
}

const units = (micros: string | number) => Number(micros) / 1_000_000;
const orNull = (text: string) => (text === '' ? null : text);

/** A row of latestEventsSql under the contract's field names; fields that were absent are null. */
export function eventFromRow(row: LatestEventRow): StoredEvent {
  const text = Object.fromEntries(OPTIONAL_TEXT.map((c) => [c, orNull(row[c])])) as Record<(typeof OPTIONAL_TEXT)[number], string | null>;
  return {
    event_id: row.id,
    type: row.event_type as StoredEvent['type'],
    campaign_id: row.campaign_id,
    ts: new Date(Number(row.ts_s) * 1000).toISOString(),
    received_at: new Date(Number(row.received_s) * 1000).toISOString(),
    ad_group_id: text.ad_group_id,
    ad_id: text.ad_id,
    creative_id: text.creative_id,
    platform: text.platform,
    publisher_id: text.publisher_id,
    site_id: text.site_id,
    placement_id: text.placement_id,
    user_id: text.user_id,
    session_id: text.session_id,
    device: row.device_name === 'unknown' ? null : (row.device_name as StoredEvent['device']),
    os: text.os,
    browser: text.browser,
    country: text.country,
    region: text.region,
    city: text.city,
    bid_price: units(row.bid_price_micros),
    win_price: units(row.win_price_micros),
    cost: units(row.cost_micros),
    revenue: units(row.revenue_micros),
    currency: text.currency,
    click_id: text.click_id,
    metadata: Object.fromEntries(row.metadata_keys.map((k, i) => [k, row.metadata_values[i] ?? ''])),
  };
}
