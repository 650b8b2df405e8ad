import type { WireEvent } from './event-contract.ts';

/**
 * One event as a ClickHouse `JSONEachRow` line for the `events` table.
 *
 * The processor forwards these lines to ClickHouse without parsing them, so
 * the layout is part of the ingest → processor message contract: every line
 * starts with `{"event_id":"<36-char uuid>"` (see `message-format.ts`).
 * Absent optional fields are left out; ClickHouse fills the column defaults.
 */
export function toRowLine(event: WireEvent, eventId: string, tenant: string, tsMs: number, receivedMs: number): string {
  const row: Record<string, unknown> = {
    event_id: eventId,
    tenant_id: tenant,
    type: event.type,
    campaign_id: event.campaign_id,
    ts: Math.floor(tsMs / 1000),
    received_at: Math.floor(receivedMs / 1000),
    device: event.device ?? 'unknown',
  };
  if (event.ad_group_id !== undefined) row.ad_group_id = event.ad_group_id;
  if (event.ad_id !== undefined) row.ad_id = event.ad_id;
  if (event.creative_id !== undefined) row.creative_id = event.creative_id;
  if (event.platform !== undefined) row.platform = event.platform;
  if (event.publisher_id !== undefined) row.publisher_id = event.publisher_id;
  if (event.site_id !== undefined) row.site_id = event.site_id;
  if (event.placement_id !== undefined) row.placement_id = event.placement_id;
  if (event.user_id !== undefined) row.user_id = event.user_id;
  if (event.session_id !== undefined) row.session_id = event.session_id;
  if (event.os !== undefined) row.os = event.os;
  if (event.browser !== undefined) row.browser = event.browser;
  if (event.country !== undefined) row.country = event.country;
  if (event.region !== undefined) row.region = event.region;
  if (event.city !== undefined) row.city = event.city;
  if (event.bid_price !== undefined) row.bid_price_micros = event.bid_price;
  if (event.win_price !== undefined) row.win_price_micros = event.win_price;
  if (event.cost !== undefined) row.cost_micros = event.cost;
  if (event.revenue !== undefined) row.revenue_micros = event.revenue;
  if (event.currency !== undefined) row.currency = event.currency;
  if (event.click_id !== undefined) row.click_id = event.click_id;
  if (event.metadata !== undefined) {
    const keys = Object.keys(event.metadata);
    row.metadata_keys = keys;
    row.metadata_values = keys.map((k) => event.metadata![k]);
  }
  return JSON.stringify(row);
}
