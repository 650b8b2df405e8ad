/**
 * The KPI endpoints on a real ClickHouse 18.16: a known dataset goes into
 * `events` in the processor's row format (the materialized views fill the
 * rollups), and every answer is compared with the reference model of
 * kpi-dataset.ts, for ranges aligned to days, hours, minutes and none.
 */
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { migrate } from '@adstream/shared/migrate';
import { startClickHouse, type ClickHouseHandle } from '../../../scripts/lib/clickhouse-server.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { buildQueryApp } from '../src/app.ts';
import { MEASURE_KEYS } from '../src/schemas/measures.ts';
import {
  ACME,
  ACME_EVENTS,
  breakdownOf,
  D1,
  DAY,
  GLOBEX,
  GLOBEX_EVENTS,
  HAND_FULL_ID,
  HOUR,
  insertStatements,
  measuresOf,
  medianDelayOf,
  MINUTE,
  NOW,
  rankingOf,
  SECOND,
  SECRET_CAMPAIGN,
  select,
  seriesOf,
  type BreakdownColumn,
  type Range,
} from './kpi-dataset.ts';

const DB = 'adstream';
const KEYS = {
  acme: 'query-key-acme-000000000000',
  globex: 'query-key-globex-0000000000',
  acmeIngestOnly: 'ingest-key-acme-00000000000',
};

let dir: string;
let server: ClickHouseHandle;
let ch: ClickHouseClient;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await makeTempDir('query-kpi');
  server = await startClickHouse({ dataDir: join(dir, 'clickhouse') });
  ch = createClient({ url: server.url, clickhouse_settings: {} });
  await migrate(ch, DB);
  // Three inserts, as three processor batches: the rollups hold several parts to merge.
  const all = [...ACME_EVENTS, ...GLOBEX_EVENTS];
  const third = Math.ceil(all.length / 3);
  for (let i = 0; i < all.length; i += third) await ch.command({ query: insertStatements(DB, all.slice(i, i + third)) });
  app = await buildQueryApp({
    keys: new ApiKeyStore([
      { key: KEYS.acme, tenant: ACME, scopes: ['query'] },
      { key: KEYS.globex, tenant: GLOBEX, scopes: ['query', 'ingest'] },
      { key: KEYS.acmeIngestOnly, tenant: ACME, scopes: ['ingest'] },
    ]),
    clickhouse: ch,
    database: DB,
    now: () => NOW,
  });
});

afterAll(async () => {
  await app?.close();
  await ch?.close();
  await server?.stop();
  if (dir) await removeTempDir(dir);
});

/** `key` null: no Authorization header. */
async function get(url: string, key: string | null): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'GET', url, headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.statusCode, body: res.json() };
}

async function ok(url: string, key: string = KEYS.acme): Promise<any> {
  const res = await get(url, key);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

const iso = (ms: number) => new Date(ms).toISOString();
const qs = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

/** Ranges that line up with days, hours, minutes, or nothing, so every rollup and the raw edges are read. */
const RANGES: Record<string, Range> = {
  'whole days': { fromMs: D1, toMs: D1 + 2 * DAY },
  'whole hours': { fromMs: D1 + 5 * HOUR, toMs: D1 + 2 * DAY + 7 * HOUR },
  'whole minutes': { fromMs: D1 + 5 * HOUR + 13 * MINUTE, toMs: D1 + DAY + 2 * HOUR + 7 * MINUTE },
  'ragged seconds': { fromMs: D1 + 10 * HOUR + 40 * SECOND, toMs: D1 + 2 * DAY + 5 * HOUR + 30 * MINUTE + 20 * SECOND },
  'inside one minute': { fromMs: D1 + 10 * HOUR + 20 * SECOND, toMs: D1 + 10 * HOUR + 50 * SECOND },
};
const RAGGED = RANGES['ragged seconds']!;

describe('GET /v1/campaigns/:id/insights', () => {
  it('matches numbers worked out by hand', async () => {
    const body = await ok(`/v1/campaigns/hand/insights?${qs({ from: iso(D1 + 10 * HOUR + 40 * SECOND), to: iso(D1 + 12 * HOUR + 30 * MINUTE) })}`);
    expect(body).toMatchObject({
      campaign_id: 'hand',
      from: '2026-03-10T10:00:40.000Z',
      to: '2026-03-10T12:30:00.000Z',
      platform: null,
      granularity: 'minute',
    });
    // In range: impressions at 10:00:45 and 10:59:59, both clicks, the conversion at 10:03:10 (12:30:00 is `to`, excluded).
    expect(body.totals).toEqual({
      impressions: 2,
      clicks: 2,
      conversions: 1,
      bids: 0,
      wins: 0,
      unique_users: 3,
      spend: 1.006,
      revenue: 10,
      ctr: 1,
      cvr: 0.5,
      cpc: 0.503,
      cpm: 503,
      cpa: 1.006,
      roas: 10 / 1.006,
      win_rate: null,
    });
    expect(body.series.map((p: { t: string; impressions: number; clicks: number }) => [p.t, p.impressions, p.clicks])).toEqual([
      ['2026-03-10T10:00:00.000Z', 1, 0],
      ['2026-03-10T10:01:00.000Z', 0, 1],
      ['2026-03-10T10:03:00.000Z', 0, 0],
      ['2026-03-10T10:59:00.000Z', 1, 0],
      ['2026-03-10T11:30:00.000Z', 0, 1],
    ]);
    const hourly = await ok(`/v1/campaigns/hand/insights?${qs({ from: iso(D1 + 10 * HOUR + 40 * SECOND), to: iso(D1 + 12 * HOUR + 30 * MINUTE), granularity: 'hour', platform: 'META' })}`);
    expect(hourly.platform).toBe('meta');
    expect(hourly.series.map((p: { t: string; impressions: number; conversions: number }) => [p.t, p.impressions, p.conversions])).toEqual([
      ['2026-03-10T10:00:00.000Z', 1, 1],
    ]);
  });

  for (const [name, range] of Object.entries(RANGES)) {
    it(`totals and every series granularity equal the raw events over ${name}`, async () => {
      expect(select({ tenant: ACME, range }).length, 'events in the range').toBeGreaterThan(0);
      for (const campaignId of ['c-alpha', 'c-gamma', 'hand']) {
        for (const granularity of ['minute', 'hour', 'day'] as const) {
          const body = await ok(`/v1/campaigns/${campaignId}/insights?${qs({ from: iso(range.fromMs), to: iso(range.toMs), granularity })}`);
          const events = select({ tenant: ACME, range, campaignId });
          expect(body.totals, `${campaignId} ${granularity}`).toEqual(measuresOf(events));
          expect(body.series, `${campaignId} ${granularity}`).toEqual(seriesOf(events, { minute: MINUTE, hour: HOUR, day: DAY }[granularity]));
        }
        for (const platform of ['meta', 'tiktok']) {
          const body = await ok(`/v1/campaigns/${campaignId}/insights?${qs({ from: iso(range.fromMs), to: iso(range.toMs), platform, granularity: 'hour' })}`);
          const events = select({ tenant: ACME, range, campaignId, platform });
          expect(body.totals, `${campaignId} ${platform}`).toEqual(measuresOf(events));
          expect(body.series, `${campaignId} ${platform}`).toEqual(seriesOf(events, HOUR));
        }
      }
    });
  }

  it('accepts the longest campaign id the contract allows', async () => {
    const body = await ok(`/v1/campaigns/${'c'.repeat(128)}/insights`);
    expect(body.totals).toEqual(measuresOf([]));
  });

  it('picks the granularity from the range and reads relative times against the clock', async () => {
    expect((await ok('/v1/campaigns/c-alpha/insights?from=-6h')).granularity).toBe('minute');
    expect((await ok('/v1/campaigns/c-alpha/insights?from=-2d')).granularity).toBe('hour');
    const days = await ok('/v1/campaigns/c-alpha/insights?from=-20d');
    expect(days.granularity).toBe('day');
    expect(days.from).toBe(iso(NOW - 20 * DAY));
    expect(days.to).toBe(iso(NOW));
    expect(days.totals).toEqual(measuresOf(select({ tenant: ACME, range: { fromMs: NOW - 20 * DAY, toMs: NOW }, campaignId: 'c-alpha' })));
    expect(days.series).toEqual(seriesOf(select({ tenant: ACME, range: { fromMs: NOW - 20 * DAY, toMs: NOW }, campaignId: 'c-alpha' }), DAY));
    // Default: the 7 days before now, hourly.
    const fallback = await ok('/v1/campaigns/c-alpha/insights');
    expect([fallback.from, fallback.to, fallback.granularity]).toEqual([iso(NOW - 7 * DAY), iso(NOW), 'hour']);
  });
});

describe('GET /v1/campaigns', () => {
  const range = { from: iso(RAGGED.fromMs), to: iso(RAGGED.toMs) };

  it('ranks by every Measures key in both orders, ratios with a zero denominator last', async () => {
    for (const sort of MEASURE_KEYS) {
      for (const order of ['desc', 'asc'] as const) {
        const body = await ok(`/v1/campaigns?${qs({ ...range, sort, order })}`);
        expect([body.sort, body.order]).toEqual([sort, order]);
        expect(body.campaigns.map((c: { campaign_id: string }) => c.campaign_id), `${sort} ${order}`).toEqual(rankingOf({ tenant: ACME, range: RAGGED }, sort, order));
      }
    }
    // The zero-denominator campaigns exist in the range, so "last" above was really tested.
    const ctr = await ok(`/v1/campaigns?${qs({ ...range, sort: 'ctr', order: 'asc' })}`);
    expect(ctr.campaigns.at(-1)).toMatchObject({ campaign_id: 'c-bids-only', impressions: 0, ctr: null });
    const cvr = await ok(`/v1/campaigns?${qs({ ...range, sort: 'cvr', order: 'desc' })}`);
    expect(cvr.campaigns.slice(-2).map((c: { campaign_id: string; cvr: null }) => [c.campaign_id, c.cvr])).toEqual([
      ['c-bids-only', null],
      ['c-no-clicks', null],
    ]);
  });

  it("gives each campaign's measures and honours the limit", async () => {
    const body = await ok(`/v1/campaigns?${qs({ ...range, sort: 'spend', limit: 3 })}`);
    expect(body.campaigns).toHaveLength(3);
    for (const c of body.campaigns) expect(c).toEqual({ campaign_id: c.campaign_id, ...measuresOf(select({ tenant: ACME, range: RAGGED, campaignId: c.campaign_id })) });
    expect(body.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).toEqual(rankingOf({ tenant: ACME, range: RAGGED }, 'spend', 'desc').slice(0, 3));
    const defaults = await ok('/v1/campaigns');
    expect([defaults.sort, defaults.order, defaults.from]).toEqual(['impressions', 'desc', iso(NOW - 7 * DAY)]);
  });
});

describe('GET /v1/breakdown', () => {
  const DIMENSIONS: Record<string, BreakdownColumn> = { platform: 'platform', device: 'device', country: 'country', ad: 'ad_id', creative: 'creative_id', publisher: 'publisher_id' };

  it('gives one row per value, most impressions first, over ragged and aligned ranges', async () => {
    for (const range of [RAGGED, RANGES['whole hours']!]) {
      for (const [dimension, column] of Object.entries(DIMENSIONS)) {
        for (const campaignId of [undefined, 'c-alpha']) {
          const body = await ok(`/v1/breakdown?${qs({ dimension, campaign_id: campaignId, from: iso(range.fromMs), to: iso(range.toMs) })}`);
          expect(body).toMatchObject({ dimension, campaign_id: campaignId ?? null, from: iso(range.fromMs), to: iso(range.toMs) });
          expect(body.rows, `${dimension} ${campaignId}`).toEqual(breakdownOf({ tenant: ACME, range, campaignId }, column));
        }
      }
    }
  });

  it('names devices by their enum text, and absent values as null', async () => {
    const body = await ok(`/v1/breakdown?${qs({ dimension: 'device', from: iso(RAGGED.fromMs), to: iso(RAGGED.toMs) })}`);
    expect(body.rows.map((r: { value: string }) => r.value).sort()).toEqual(['ctv', 'desktop', 'mobile', 'tablet', 'unknown']);
    const platforms = await ok(`/v1/breakdown?${qs({ dimension: 'platform', from: iso(RAGGED.fromMs), to: iso(RAGGED.toMs), limit: 2 })}`);
    expect(platforms.rows).toHaveLength(2);
    const all = await ok(`/v1/breakdown?${qs({ dimension: 'platform', from: iso(RAGGED.fromMs), to: iso(RAGGED.toMs) })}`);
    expect(all.rows.map((r: { value: string | null }) => r.value)).toContain(null);
  });
});

describe('GET /v1/funnel', () => {
  it('matches numbers worked out by hand', async () => {
    const body = await ok(`/v1/funnel?${qs({ campaign_id: 'hand', from: iso(D1 + 10 * HOUR), to: iso(D1 + 13 * HOUR) })}`);
    expect(body).toEqual({
      campaign_id: 'hand',
      from: '2026-03-10T10:00:00.000Z',
      to: '2026-03-10T13:00:00.000Z',
      steps: [
        { step: 'impression', count: 3 },
        { step: 'click', count: 2, rate: 2 / 3 },
        { step: 'conversion', count: 3, rate: 1.5 },
      ],
      // 10:01:10 → 10:03:10 and 11:30:00 → 12:30:00; the third conversion names an unknown click.
      median_click_to_conversion_seconds: (120 + 3600) / 2,
    });
    // A conversion whose click lies before the range is still paired.
    const late = await ok(`/v1/funnel?${qs({ campaign_id: 'hand', from: iso(D1 + 12 * HOUR), to: iso(D1 + 13 * HOUR) })}`);
    expect(late.steps).toEqual([
      { step: 'impression', count: 0 },
      { step: 'click', count: 0, rate: null },
      { step: 'conversion', count: 2, rate: null },
    ]);
    expect(late.median_click_to_conversion_seconds).toBe(3600);
  });

  it('equals the raw events for generated campaigns', async () => {
    for (const campaignId of ['c-alpha', 'c-gamma', 'c-epsilon']) {
      for (const range of [RAGGED, RANGES['whole days']!]) {
        const body = await ok(`/v1/funnel?${qs({ campaign_id: campaignId, from: iso(range.fromMs), to: iso(range.toMs) })}`);
        const m = measuresOf(select({ tenant: ACME, range, campaignId }));
        expect(body.steps.map((s: { count: number }) => s.count)).toEqual([m.impressions, m.clicks, m.conversions]);
        expect(body.steps[1].rate).toBe(m.ctr);
        expect(body.steps[2].rate).toBe(m.cvr);
        const median = medianDelayOf({ tenant: ACME, range, campaignId });
        expect(median, `${campaignId}: the dataset pairs conversions with clicks`).not.toBeNull();
        expect(body.median_click_to_conversion_seconds, campaignId).toBe(median);
      }
    }
  });
});

describe('GET /v1/events/latest', () => {
  it('returns the newest events first, with the contract field names', async () => {
    const newest = [...ACME_EVENTS].sort((a, b) => b.tsMs - a.tsMs);
    const body = await ok('/v1/events/latest?limit=5');
    expect(body.events.map((e: { event_id: string }) => e.event_id)).toEqual(newest.slice(0, 5).map((e) => e.id));
    expect((await ok('/v1/events/latest')).events).toHaveLength(50);
    const alpha = await ok('/v1/events/latest?campaign_id=c-alpha&limit=3');
    expect(alpha.events.map((e: { event_id: string }) => e.event_id)).toEqual(newest.filter((e) => e.event.campaign_id === 'c-alpha').slice(0, 3).map((e) => e.id));
  });

  it('gives every field of a stored event', async () => {
    const body = await ok('/v1/events/latest?campaign_id=hand&limit=1');
    expect(body.events).toEqual([
      {
        event_id: HAND_FULL_ID,
        type: 'conversion',
        campaign_id: 'hand',
        ts: '2026-03-10T12:40:00.000Z',
        received_at: '2026-03-10T12:40:01.000Z',
        ad_group_id: 'ag-1',
        ad_id: 'ad-9',
        creative_id: 'cr-9',
        platform: 'linkedin',
        publisher_id: 'pub-9',
        site_id: 'site-9',
        placement_id: 'pl-9',
        user_id: 'u4',
        session_id: 's-9',
        device: 'ctv',
        os: 'tvOS',
        browser: 'Safari',
        country: 'FR',
        region: 'IDF',
        city: 'Paris',
        bid_price: 0.75,
        win_price: 0.5,
        cost: 0.25,
        revenue: 5.5,
        currency: 'EUR',
        click_id: '01958000-0000-7000-8000-0000000dead0',
        metadata: { order: 'o-1', note: 'it\'s "quoted"\ttab' },
      },
    ]);
    const sparse = (await ok('/v1/events/latest?campaign_id=hand&limit=8')).events.find((e: { ts: string }) => e.ts === '2026-03-10T10:59:59.000Z');
    expect(sparse).toMatchObject({ type: 'impression', ad_group_id: null, session_id: null, currency: null, click_id: null, revenue: 0, metadata: {} });
  });
});

describe('tenant isolation and keys', () => {
  const ragged = { from: iso(RAGGED.fromMs), to: iso(RAGGED.toMs) };
  const everyEndpoint = [
    `/v1/campaigns/${SECRET_CAMPAIGN}/insights?${qs(ragged)}`,
    `/v1/campaigns?${qs(ragged)}`,
    `/v1/breakdown?${qs({ dimension: 'platform', campaign_id: SECRET_CAMPAIGN, ...ragged })}`,
    `/v1/funnel?${qs({ campaign_id: SECRET_CAMPAIGN, ...ragged })}`,
    `/v1/events/latest?campaign_id=${SECRET_CAMPAIGN}`,
  ];

  it("gives tenant A nothing of tenant B's data on every endpoint", async () => {
    // B's campaign really has data in the range, seen with B's key...
    const own = await ok(`/v1/campaigns/${SECRET_CAMPAIGN}/insights?${qs(ragged)}`, KEYS.globex);
    expect(own.totals.impressions).toBeGreaterThan(0);
    expect((await ok(`/v1/funnel?${qs({ campaign_id: SECRET_CAMPAIGN, ...ragged })}`, KEYS.globex)).median_click_to_conversion_seconds).not.toBeNull();
    expect((await ok(`/v1/events/latest?campaign_id=${SECRET_CAMPAIGN}`, KEYS.globex)).events.length).toBeGreaterThan(0);

    // ...and none of it with A's key.
    const [insights, campaigns, breakdown, funnel, latest] = await Promise.all(everyEndpoint.map((url) => ok(url)));
    expect(insights.totals).toEqual(measuresOf([]));
    expect(insights.series).toEqual([]);
    expect(campaigns.campaigns.map((c: { campaign_id: string }) => c.campaign_id)).not.toContain(SECRET_CAMPAIGN);
    expect(breakdown.rows).toEqual([]);
    expect(funnel.steps.map((s: { count: number }) => s.count)).toEqual([0, 0, 0]);
    expect(funnel.median_click_to_conversion_seconds).toBeNull();
    expect(latest.events).toEqual([]);

    // A campaign id both tenants use: each key sees its own tenant's figures only.
    for (const [key, tenant] of [
      [KEYS.acme, ACME],
      [KEYS.globex, GLOBEX],
    ] as const) {
      const body = await ok(`/v1/campaigns/c-alpha/insights?${qs(ragged)}`, key);
      expect(body.totals).toEqual(measuresOf(select({ tenant, range: RAGGED, campaignId: 'c-alpha' })));
      const all = await ok('/v1/events/latest?limit=1000', key);
      const ids = new Set((tenant === ACME ? ACME_EVENTS : GLOBEX_EVENTS).map((e) => e.id));
      expect(all.events.length).toBeGreaterThan(0);
      expect(all.events.every((e: { event_id: string }) => ids.has(e.event_id))).toBe(true);
    }
  });

  it('refuses a request without a key (401) and a key without the query scope (403)', async () => {
    for (const url of everyEndpoint) {
      const missing = await get(url, null);
      expect(missing.status, url).toBe(401);
      expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'missing "Authorization: Bearer <api key>" header' });
      expect((await get(url, 'not-a-key-0000000000000')).status, url).toBe(401);
      const forbidden = await get(url, KEYS.acmeIngestOnly);
      expect(forbidden.status, url).toBe(403);
      expect(forbidden.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'this API key lacks the "query" scope' });
    }
  });
});
