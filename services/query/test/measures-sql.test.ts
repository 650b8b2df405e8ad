import { describe, expect, it } from 'vitest';
import { breakdownSql } from '../src/queries/breakdown-query.ts';
import { campaignRankingSql, rankingOrderBy } from '../src/queries/campaigns-query.ts';
import { insightsSeriesSql, insightsTotalsSql } from '../src/queries/insights-query.ts';
import { CAMPAIGN_LADDER } from '../src/queries/measure-sources.ts';
import { measuresSql } from '../src/queries/measures-sql.ts';

const D = Date.UTC(2026, 2, 10);
const H = 3_600_000;
const tables = (sql: string) => [...sql.matchAll(/FROM db\.(\w+)/g)].map((m) => m[1]);

describe('measuresSql', () => {
  it('reads an aligned range from a single rollup', () => {
    const sql = insightsTotalsSql('db', { tenant: 't', campaignId: 'c', range: { fromMs: D, toMs: D + 2 * 24 * H } });
    expect(tables(sql)).toEqual(['rollup_campaign_day']);
    expect(sql).toContain("day >= toDate('2026-03-10') AND day < toDate('2026-03-12')");
    expect(sql).not.toContain('UNION ALL');
  });

  it('merges states from every source a ragged range needs, one branch per source', () => {
    const sql = insightsTotalsSql('db', { tenant: 't', campaignId: 'c', range: { fromMs: D + 10 * H + 40_000, toMs: D + 53 * H + 1_820_000 } });
    expect(tables(sql)).toEqual(['rollup_campaign_day', 'rollup_campaign_hour', 'rollup_campaign_minute', 'events']);
    expect(sql.match(/UNION ALL/g)).toHaveLength(3);
    // Both edges of a level in one branch.
    expect(sql).toMatch(/\(\(hour >= toDateTime\(\d+\) AND hour < toDateTime\(\d+\)\) OR \(hour >= toDateTime\(\d+\) AND hour < toDateTime\(\d+\)\)\)/);
    expect(sql).toContain("sumState(toUInt64(type = 'impression')) AS impressions");
    expect(sql).toContain('uniqIfMerge(users) AS unique_users');
  });

  it('keeps the tenant and every filter in every branch', () => {
    const sql = insightsTotalsSql('db', { tenant: "o'neil", campaignId: 'c1', range: { fromMs: D + 40_000, toMs: D + 50 * H }, platform: 'meta' });
    expect(tables(sql)).toEqual(['rollup_dimensions_hour', 'events']);
    const branches = sql.split('UNION ALL');
    expect(branches).toHaveLength(2);
    for (const b of branches) expect(b).toContain("tenant_id = 'o\\'neil' AND campaign_id = 'c1' AND platform = 'meta'");
  });

  it('never reads a source coarser than the series buckets', () => {
    const range = { fromMs: D, toMs: D + 2 * 24 * H };
    const filter = { tenant: 't', campaignId: 'c', range };
    expect(tables(insightsSeriesSql('db', filter, 'day'))).toEqual(['rollup_campaign_day']);
    expect(tables(insightsSeriesSql('db', filter, 'hour'))).toEqual(['rollup_campaign_hour']);
    expect(tables(insightsSeriesSql('db', filter, 'minute'))).toEqual(['rollup_campaign_minute']);
    // A platform series by minute: the dimension rollup is hourly, so raw events answer.
    expect(tables(insightsSeriesSql('db', { ...filter, platform: 'meta' }, 'minute'))).toEqual(['events']);
    expect(insightsSeriesSql('db', filter, 'hour')).toContain('toStartOfHour(hour) AS bucket');
    expect(insightsSeriesSql('db', filter, 'hour')).toMatch(/ORDER BY k ASC$/);
  });

  it('groups raw rows into states by the key, and reads devices as text', () => {
    const sql = breakdownSql('db', { tenant: 't', range: { fromMs: D + 30 * 60_000, toMs: D + 5 * H }, dimension: 'device', limit: 7 });
    expect(sql).toContain('SELECT toString(device) AS k,');
    expect(sql).toMatch(/FROM db\.events\s+WHERE [^\n]+ GROUP BY device/);
    expect(sql).toMatch(/ORDER BY impressions DESC, k ASC\s+LIMIT 7$/);
    expect(sql).not.toContain('campaign_id =');
    expect(breakdownSql('db', { tenant: 't', range: { fromMs: D, toMs: D + H }, dimension: 'publisher', campaignId: 'c', limit: 1 })).toContain(
      'SELECT toString(publisher_id) AS k',
    );
  });

  it('refuses what would make bad SQL', () => {
    const base = { database: 'db', tenant: 't', ladder: CAMPAIGN_LADDER };
    expect(() => measuresSql({ ...base, range: { fromMs: D, toMs: D + 999 } })).toThrow(/empty time range/);
    expect(() => measuresSql({ ...base, range: { fromMs: D, toMs: D + H }, limit: 0 })).toThrow(/limit/);
    expect(() => measuresSql({ ...base, database: 'db; DROP', range: { fromMs: D, toMs: D + H } })).toThrow(/identifier/);
  });
});

describe('campaign ranking', () => {
  it('sorts ratios with zero denominators last in both directions', () => {
    expect(rankingOrderBy('ctr', 'desc')).toBe('impressions = 0 ASC, if(impressions = 0, 0, clicks / impressions) DESC, k ASC');
    expect(rankingOrderBy('roas', 'asc')).toBe('spend_micros = 0 ASC, if(spend_micros = 0, 0, revenue_micros / spend_micros) ASC, k ASC');
  });

  it('sorts money by micros and counts as they are', () => {
    expect(rankingOrderBy('spend', 'desc')).toBe('spend_micros DESC, k ASC');
    expect(rankingOrderBy('unique_users', 'asc')).toBe('unique_users ASC, k ASC');
  });

  it('groups by campaign over the campaign rollups', () => {
    const sql = campaignRankingSql('db', { tenant: 't', range: { fromMs: D, toMs: D + 3 * H }, sort: 'cpm', order: 'desc', limit: 50 });
    expect(tables(sql)).toEqual(['rollup_campaign_hour']);
    expect(sql).toContain('SELECT toString(campaign_id) AS k,');
    expect(sql).toMatch(/GROUP BY k\s+ORDER BY impressions = 0 ASC, if\(impressions = 0, 0, spend_micros \/ impressions\) DESC, k ASC\s+LIMIT 50$/);
  });
});
