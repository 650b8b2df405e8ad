import type { WireEvent } from './event-contract.ts';

/** Optional text fields, stored under the same column name. */
const TEXT_COLUMNS = [
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
] as const satisfies readonly (keyof WireEvent)[];

/** Money fields (already integer micros) and their columns. */
const MONEY_COLUMNS = [
  ['bid_price', 'bid_price_micros'],
  ['win_price', 'win_price_micros'],
  ['cost', 'cost_micros'],
  ['revenue', 'revenue_micros'],
] as const satisfies readonly (readonly [keyof WireEvent, string])[];

/**
 * One event as a ClickHouse `JSONEachRow` line for the `events` table.
 *
 * The processor forwards these lines to ClickHouse without parsing them, so
 * the layout is part of the ingest → processor message contract: every line
 * starts with `{"event_id":"<36-char uuid>"` (see `message-format.ts`).
 * Absent optional fields are left out; ClickHouse fills the column defaults.
 * Built as a string because this runs once per event on ingest's hot path
 * (about twice as fast as building an object and stringifying it); every
 * string value still goes through JSON.stringify for escaping.
 */
export function toRowLine(event: WireEvent, eventId: string, tenant: string, tsMs: number, receivedMs: number): string {
  let line = `{"event_id":"${eventId}","tenant_id":${JSON.stringify(tenant)},"type":"${event.type}","campaign_id":${JSON.stringify(event.campaign_id)},"ts":${Math.floor(tsMs / 1000)},"received_at":${Math.floor(receivedMs / 1000)},"device":"${event.device ?? 'unknown'}"`;
  for (const column of TEXT_COLUMNS) {
    const value = event[column];
    if (value !== undefined) line += `,"${column}":${JSON.stringify(value)}`;
  }
  for (const [field, column] of MONEY_COLUMNS) {
    const value = event[field];
    if (value !== undefined) line += `,"${column}":${value}`;
  }
  if (event.metadata !== undefined) {
    const keys = Object.keys(event.metadata);
    line += `,"metadata_keys":${JSON.stringify(keys)},"metadata_values":${JSON.stringify(keys.map((k) => event.metadata![k]))}`;
  }
  return line + '}';
}
