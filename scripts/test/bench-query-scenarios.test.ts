import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/random.ts';
import { BREAKDOWN_DIMENSIONS, SCENARIOS, SORT_KEYS, pickWindow, selectScenarios, type BenchContext } from '../lib/bench-query-scenarios.ts';

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 22, 5);

const ctx: BenchContext = {
  endMs: END,
  tenants: [
    { id: 'acme', key: 'key-acme', campaigns: Array.from({ length: 40 }, (_, i) => ({ id: `cmp-a${i}`, events: 1000 - i, platforms: ['meta', 'google'] })) },
    { id: 'hooli', key: 'key-hooli', campaigns: [{ id: 'cmp-h0', events: 5, platforms: ['tiktok'] }] },
    { id: 'empty', key: 'key-empty', campaigns: [] },
  ],
};
const campaignsOf = new Map(ctx.tenants.map((t) => [t.key, new Set(t.campaigns.map((c) => c.id))]));

function requests(name: string, n = 300) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  const rng = createRng(42);
  return Array.from({ length: n }, () => {
    const r = scenario.build(rng, ctx);
    return { ...r, url: new URL(`http://x${r.path}`) };
  });
}

function span(url: URL): { from: number; to: number } {
  const from = url.searchParams.get('from')!;
  const to = url.searchParams.get('to')!;
  for (const t of [from, to]) expect(new Date(t).toISOString()).toBe(t);
  return { from: Date.parse(from), to: Date.parse(to) };
}

describe('query benchmark scenarios', () => {
  it('have unique names, one per breakdown dimension with and without a campaign', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of BREAKDOWN_DIMENSIONS) {
      expect(names).toContain(`breakdown ${d} 30d`);
      expect(names).toContain(`breakdown ${d} 30d campaign`);
    }
  });

  it('hold 30-day insights to 50 ms and every breakdown to 100 ms at p95', () => {
    for (const s of SCENARIOS) {
      if (s.name.startsWith('insights 30d')) expect(s.p95TargetMs).toBe(50);
      if (s.name.startsWith('breakdown')) expect(s.p95TargetMs).toBe(100);
    }
  });

  it('ask insights about a campaign of the key’s own tenant, over the named window and granularity, inside the data', () => {
    for (const [name, days, granularity] of [['insights 30d hour', 30, 'hour'], ['insights 1d minute', 1, 'minute']] as const) {
      for (const r of requests(name)) {
        const id = decodeURIComponent(/^\/v1\/campaigns\/([^/]+)\/insights$/.exec(r.url.pathname)![1]!);
        expect(campaignsOf.get(r.key)!.has(id)).toBe(true);
        expect(r.url.searchParams.get('granularity')).toBe(granularity);
        const { from, to } = span(r.url);
        expect(to - from).toBe(days * DAY);
        expect(to).toBeLessThanOrEqual(END);
        expect(to).toBeGreaterThanOrEqual(END - 2 * DAY);
        expect(to % 60_000).toBe(0);
      }
    }
  });

  it('vary windows and campaigns, favouring a tenant’s biggest campaigns', () => {
    const rs = requests('insights 30d day', 1000).filter((r) => r.key === 'key-acme');
    expect(new Set(rs.map((r) => r.url.searchParams.get('to'))).size).toBeGreaterThan(50);
    const top = rs.filter((r) => Number(/cmp-a(\d+)/.exec(r.url.pathname)![1]) < 20).length;
    // Half the draws come from the top 20, the other half from all 40: 75 % in expectation.
    expect(top / rs.length).toBeGreaterThan(0.65);
    expect(top / rs.length).toBeLessThan(0.85);
  });

  it('filter platform insights by a platform the campaign ran on', () => {
    for (const r of requests('insights 30d day platform')) {
      const platform = r.url.searchParams.get('platform');
      expect(r.key === 'key-hooli' ? ['tiktok'] : ['meta', 'google']).toContain(platform);
    }
  });

  it('rank campaigns by Measures keys in both orders within the limit range', () => {
    const rs = requests('campaigns 30d ranking');
    const sorts = new Set(rs.map((r) => r.url.searchParams.get('sort')));
    for (const s of sorts) expect(SORT_KEYS).toContain(s);
    expect(sorts.size).toBeGreaterThan(5);
    expect(new Set(rs.map((r) => r.url.searchParams.get('order')))).toEqual(new Set(['asc', 'desc']));
    for (const r of rs) {
      const limit = Number(r.url.searchParams.get('limit'));
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(limit).toBeLessThanOrEqual(1000);
    }
  });

  it('send breakdowns with the campaign only in the campaign variant', () => {
    for (const r of requests('breakdown country 30d')) {
      expect(r.url.pathname).toBe('/v1/breakdown');
      expect(r.url.searchParams.get('dimension')).toBe('country');
      expect(r.url.searchParams.has('campaign_id')).toBe(false);
    }
    for (const r of requests('breakdown ad 30d campaign')) expect(campaignsOf.get(r.key)!.has(r.url.searchParams.get('campaign_id')!)).toBe(true);
  });

  it('ask for 7-day funnels and never pick a tenant without campaigns', () => {
    for (const r of requests('funnel 7d')) {
      const { from, to } = span(r.url);
      expect(to - from).toBe(7 * DAY);
      expect(r.key).not.toBe('key-empty');
    }
  });

  it('post one SELECT to /v1/sql, capped at the SQL user’s concurrency', () => {
    for (const name of ['sql events 7d', 'sql campaign_day 30d']) {
      expect(SCENARIOS.find((s) => s.name === name)!.maxConcurrency).toBe(4);
      for (const r of requests(name, 20)) {
        expect(r.method).toBe('POST');
        expect(r.path).toBe('/v1/sql');
        const { sql } = JSON.parse(r.body!) as { sql: string };
        expect(sql).toMatch(/^SELECT .+ FROM (events|campaign_day) WHERE .+ LIMIT 20$/);
        expect(sql).not.toMatch(/adstream\./);
      }
    }
  });

  it('are reproducible from the seed', () => {
    const a = requests('breakdown publisher 30d campaign', 50).map((r) => r.path);
    const b = requests('breakdown publisher 30d campaign', 50).map((r) => r.path);
    expect(a).toEqual(b);
  });

  it('pickWindow ends on whole minutes no later than the data', () => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const { from, to } = pickWindow(rng, { ...ctx, endMs: END + 59_999 }, DAY, 3 * 60_000);
      expect([END, END - 60_000, END - 120_000, END - 180_000]).toContain(Date.parse(to));
      expect(Date.parse(to) - Date.parse(from)).toBe(DAY);
    }
  });

  it('selectScenarios filters by a case-insensitive pattern', () => {
    expect(selectScenarios(undefined)).toHaveLength(SCENARIOS.length);
    expect(selectScenarios('^INSIGHTS').map((s) => s.name)).toEqual(['insights 30d hour', 'insights 30d day', 'insights 30d day platform', 'insights 1d minute']);
    expect(selectScenarios('nothing matches this')).toEqual([]);
  });
});
