import { describe, expect, it } from 'vitest';
import { eventFromRow, latestEventsSql, type LatestEventRow } from '../src/queries/latest-events-query.ts';

const row: LatestEventRow = {
  id: '01958000-0000-7000-8000-000000000001',
  event_type: 'click',
  campaign_id: 'c1',
  ts_s: 1_773_100_800,
  received_s: 1_773_100_801,
  device_name: 'unknown',
  ad_group_id: '',
  ad_id: 'ad-1',
  creative_id: '',
  platform: 'meta',
  publisher_id: '',
  site_id: '',
  placement_id: '',
  user_id: 'u1',
  session_id: '',
  os: '',
  browser: '',
  country: 'DE',
  region: '',
  city: '',
  currency: '',
  click_id: '',
  bid_price_micros: '0',
  win_price_micros: '0',
  cost_micros: '350000',
  revenue_micros: '12500000',
  metadata_keys: ['a', 'b'],
  metadata_values: ['1', '2'],
};

describe('eventFromRow', () => {
  it('uses the contract names, currency units, null for absent fields and an object for metadata', () => {
    expect(eventFromRow(row)).toEqual({
      event_id: row.id,
      type: 'click',
      campaign_id: 'c1',
      ts: '2026-03-10T00:00:00.000Z',
      received_at: '2026-03-10T00:00:01.000Z',
      ad_group_id: null,
      ad_id: 'ad-1',
      creative_id: null,
      platform: 'meta',
      publisher_id: null,
      site_id: null,
      placement_id: null,
      user_id: 'u1',
      session_id: null,
      device: null,
      os: null,
      browser: null,
      country: 'DE',
      region: null,
      city: null,
      bid_price: 0,
      win_price: 0,
      cost: 0.35,
      revenue: 12.5,
      currency: null,
      click_id: null,
      metadata: { a: '1', b: '2' },
    });
  });
});

describe('latestEventsSql', () => {
  it('finds the cut-off time from `ts` alone, then reads full rows newest first', () => {
    const sql = latestEventsSql('db', { tenant: 't', campaignId: 'c', limit: 5 });
    expect(sql).toContain("ts >= (SELECT min(ts) FROM (SELECT ts FROM db.events WHERE tenant_id = 't' AND campaign_id = 'c' ORDER BY ts DESC LIMIT 5))");
    expect(sql).toMatch(/ORDER BY ts DESC, received_at DESC, event_id DESC\s+LIMIT 5$/);
    expect(latestEventsSql('db', { tenant: 't', limit: 1 })).not.toContain('campaign_id =');
    expect(() => latestEventsSql('db', { tenant: 't', limit: 0 })).toThrow(/limit/);
  });
});
