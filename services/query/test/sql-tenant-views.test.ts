import { describe, expect, it } from 'vitest';
import { TENANT_TABLES, tenantDatabase, tenantViews, viewIsCurrent } from '../src/sql/tenant-views.ts';

describe('tenant views', () => {
  it('gives each tenant its own database, named from a digest of the tenant', () => {
    expect(tenantDatabase('adstream', 'acme')).toBe('adstream_t_822b33ad87c148a0a20a5ba7cd5ebcaa');
    expect(tenantDatabase('adstream', 'acme')).not.toBe(tenantDatabase('adstream', 'Acme'));
    expect(tenantDatabase('adstream', "o'neil; DROP")).toMatch(/^adstream_t_[0-9a-f]{32}$/);
  });

  it('offers events and every rollup', () => {
    expect(TENANT_TABLES).toEqual(['events', 'campaign_minute', 'campaign_hour', 'campaign_day', 'dimensions_hour']);
  });

  it('exposes events under the contract names, money in currency units, filtered to the tenant', () => {
    const events = tenantViews('adstream', "o'neil")[0]!;
    expect(events.columns).toEqual([
      'event_id', 'advertiser_id', 'type', 'campaign_id', 'ts', 'received_at', 'ad_group_id', 'ad_id', 'creative_id', 'platform', 'publisher_id', 'site_id',
      'placement_id', 'user_id', 'session_id', 'device', 'os', 'browser', 'country', 'region', 'city', 'bid_price', 'win_price', 'cost', 'revenue',
      'currency', 'click_id', 'metadata_keys', 'metadata_values',
    ]);
    expect(events.ddl).toContain("toDecimal64(cost_micros, 0) * toDecimal64('0.000001', 6) AS cost");
    expect(events.ddl).toContain('tenant_id AS advertiser_id');
    expect(events.ddl.endsWith("FROM adstream.events WHERE tenant_id = 'o\\'neil'")).toBe(true);
    expect(events.ddl.startsWith(`CREATE VIEW IF NOT EXISTS ${tenantDatabase('adstream', "o'neil")}.events AS SELECT `)).toBe(true);
  });

  it('merges the rollups per row and keeps the distinct-user state', () => {
    const dims = tenantViews('adstream', 'acme').find((v) => v.name === 'dimensions_hour')!;
    expect(dims.columns).toEqual([
      'campaign_id', 'hour', 'platform', 'device', 'country', 'ad_id', 'creative_id', 'publisher_id',
      'impressions', 'clicks', 'conversions', 'bids', 'wins', 'spend', 'revenue', 'bid_price_sum', 'win_price_sum', 'unique_users', 'users_state',
    ]);
    expect(dims.source).toBe('rollup_dimensions_hour');
    expect(dims.ddl).toContain("FROM adstream.rollup_dimensions_hour WHERE tenant_id = 'acme' GROUP BY campaign_id, hour, platform, device, country, ad_id, creative_id, publisher_id");
    expect(dims.ddl).toContain("toDecimal128(sumMerge(spend_micros), 0) * toDecimal128('0.000001', 6) AS spend");
  });

  it('recognises a view as the server describes it, and notices a stale or foreign one', () => {
    const view = tenantViews('adstream', 'acme').find((v) => v.name === 'campaign_day')!;
    const described = {
      columns: [...view.columns].reverse(),
      createQuery: `CREATE VIEW x.campaign_day (…) AS SELECT … FROM adstream.rollup_campaign_day  WHERE tenant_id = 'acme' GROUP BY campaign_id, day`,
    };
    expect(viewIsCurrent(view, 'adstream', 'acme', described)).toBe(true);
    expect(viewIsCurrent(view, 'adstream', 'acme', { ...described, columns: view.columns.slice(1) })).toBe(false);
    expect(viewIsCurrent(view, 'adstream', 'other', described)).toBe(false);
    expect(viewIsCurrent(view, 'adstream', 'acme', { ...described, createQuery: described.createQuery.replace('rollup_campaign_day', 'rollup_campaign_day_old') })).toBe(false);
  });
});
