/**
 * A known dataset for the KPI API's integration test, and a reference model
 * that computes every answer from the events themselves in plain
 * TypeScript, so the rollup plans can be checked against raw truth for any
 * range.
 */
import { eventsInsertSql, toRowLine } from '@adstream/shared/event-row';
import type { WireEvent } from '@adstream/shared/event-contract';
import { validateEvent } from '@adstream/shared/event-validation';
import { computeKpis } from '@adstream/shared/kpi';
import type { Measures, MeasureKey } from '../src/schemas/measures.ts';

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Midnight UTC: the dataset spans D1 … D1 + 3 days. */
export const D1 = Date.UTC(2026, 2, 10);
export const NOW = D1 + 3 * DAY + 6 * HOUR;

export const ACME = 'acme';
export const GLOBEX = 'globex';

export interface TestEvent {
  tenant: string;
  id: string;
  tsMs: number;
  event: WireEvent;
  line: string;
}

let seq = 0;
/** UUIDv7-shaped ids, distinct and valid for the contract. */
export const nextId = () => `01958000-0000-7000-8000-${(++seq).toString(16).padStart(12, '0')}`;

function stored(tenant: string, input: Record<string, unknown>, tsMs: number): TestEvent {
  const result = validateEvent({ ...input, ts: tsMs }, tenant, NOW);
  if (!result.ok) throw new Error(`test event rejected: ${JSON.stringify(result.errors)}`);
  const id = result.event.event_id ?? nextId();
  return { tenant, id, tsMs, event: result.event, line: toRowLine(result.event, id, tenant, tsMs, tsMs + SECOND) };
}

/** mulberry32: a small seeded PRNG, so the dataset is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CampaignProfile {
  id: string;
  /** Relative weights of impression, click, conversion, bid, win. */
  mix: [number, number, number, number, number];
}

function generate(tenant: string, seed: number, count: number, stepMs: number, campaigns: readonly CampaignProfile[]): TestEvent[] {
  const rnd = prng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
  const clicks = new Map<string, TestEvent[]>();
  const out: TestEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Strictly increasing, distinct seconds: "newest first" has no ties.
    const tsMs = D1 + i * stepMs + Math.floor(rnd() * (stepMs / SECOND - 1)) * SECOND;
    const campaign = pick(campaigns);
    const total = campaign.mix.reduce((a, b) => a + b, 0);
    let r = rnd() * total;
    const typeIndex = campaign.mix.findIndex((w) => (r -= w) < 0);
    const type = (['impression', 'click', 'conversion', 'bid', 'win'] as const)[typeIndex]!;
    const input: Record<string, unknown> = { type, campaign_id: campaign.id };
    const platform = pick(['meta', 'google', 'tiktok', undefined]);
    if (platform !== undefined) input.platform = platform;
    const device = pick(['mobile', 'desktop', 'tablet', 'ctv', undefined]);
    if (device !== undefined) input.device = device;
    input.country = pick(['DE', 'US', 'FR']);
    input.ad_id = pick(['ad-1', 'ad-2', 'ad-3']);
    if (rnd() < 0.7) input.creative_id = pick(['cr-1', 'cr-2']);
    input.publisher_id = pick(['pub-1', 'pub-2', 'pub-3', 'pub-4']);
    if (rnd() < 0.85) input.user_id = `u${Math.floor(rnd() * 60)}`;
    if (type === 'impression') input.cost = (1 + Math.floor(rnd() * 5)) / 1000;
    if (type === 'click') input.cost = (10 + Math.floor(rnd() * 40)) / 100;
    if (type === 'conversion') {
      input.revenue = 5 + Math.floor(rnd() * 20);
      const candidates = clicks.get(campaign.id) ?? [];
      if (candidates.length > 0 && rnd() < 0.8) input.click_id = pick(candidates).id;
    }
    if (type === 'bid') input.bid_price = (20 + Math.floor(rnd() * 60)) / 100;
    if (type === 'win') {
      input.win_price = (10 + Math.floor(rnd() * 50)) / 100;
      input.cost = input.win_price;
    }
    const e = stored(tenant, { ...input, event_id: nextId() }, tsMs);
    if (type === 'click') clicks.set(campaign.id, [...(clicks.get(campaign.id) ?? []), e]);
    out.push(e);
  }
  return out;
}

const ACME_CAMPAIGNS: CampaignProfile[] = [
  { id: 'c-alpha', mix: [10, 2, 1, 3, 2] },
  { id: 'c-beta', mix: [10, 1, 1, 2, 1] },
  { id: 'c-gamma', mix: [6, 3, 1, 1, 1] },
  { id: 'c-delta', mix: [12, 1, 0.5, 4, 1] },
  { id: 'c-epsilon', mix: [4, 1, 1, 1, 1] },
  // Ratios with a zero denominator: no impressions (ctr, cpm null), no clicks (cvr, cpc null).
  { id: 'c-bids-only', mix: [0, 0, 0, 3, 1] },
  { id: 'c-no-clicks', mix: [5, 0, 0, 0, 0] },
];

/** A small campaign written out by hand, so some answers are checked against numbers worked out on paper. */
export const HAND_CLICK_1 = '01958000-0000-7000-8000-0000000c0001';
export const HAND_CLICK_2 = '01958000-0000-7000-8000-0000000c0002';
export const HAND_FULL_ID = '01958000-0000-7000-8000-0000000f0001';
const at = (h: number, m: number, s: number) => D1 + h * HOUR + m * MINUTE + s * SECOND;
const hand: TestEvent[] = [
  stored(ACME, { type: 'impression', campaign_id: 'hand', platform: 'meta', device: 'mobile', country: 'DE', user_id: 'u1', cost: '0.002' }, at(10, 0, 30)),
  stored(ACME, { type: 'impression', campaign_id: 'hand', platform: 'meta', device: 'desktop', country: 'DE', user_id: 'u2', cost: '0.002' }, at(10, 0, 45)),
  stored(ACME, { type: 'click', campaign_id: 'hand', event_id: HAND_CLICK_1, platform: 'meta', device: 'mobile', user_id: 'u1', cost: '0.5' }, at(10, 1, 10)),
  stored(ACME, { type: 'conversion', campaign_id: 'hand', platform: 'meta', user_id: 'u1', click_id: HAND_CLICK_1, revenue: '10' }, at(10, 3, 10)),
  stored(ACME, { type: 'impression', campaign_id: 'hand', platform: 'google', device: 'mobile', country: 'US', user_id: 'u3', cost: '0.004' }, at(10, 59, 59)),
  stored(ACME, { type: 'click', campaign_id: 'hand', event_id: HAND_CLICK_2, platform: 'google', user_id: 'u3', cost: '0.5' }, at(11, 30, 0)),
  stored(ACME, { type: 'conversion', campaign_id: 'hand', platform: 'google', user_id: 'u3', click_id: HAND_CLICK_2, revenue: '20' }, at(12, 30, 0)),
  // Every optional field, and a conversion whose click is unknown: counted as a conversion, not in the median.
  stored(
    ACME,
    {
      type: 'conversion',
      campaign_id: 'hand',
      event_id: HAND_FULL_ID,
      ad_group_id: 'ag-1',
      ad_id: 'ad-9',
      creative_id: 'cr-9',
      platform: 'LinkedIn',
      publisher_id: 'pub-9',
      site_id: 'site-9',
      placement_id: 'pl-9',
      user_id: 'u4',
      session_id: 's-9',
      device: 'ctv',
      os: 'tvOS',
      browser: 'Safari',
      country: 'fr',
      region: 'IDF',
      city: 'Paris',
      bid_price: '0.75',
      win_price: '0.5',
      cost: '0.25',
      revenue: '5.5',
      currency: 'eur',
      click_id: '01958000-0000-7000-8000-0000000dead0',
      metadata: { order: 'o-1', note: "it's \"quoted\"\ttab" },
    },
    at(12, 40, 0),
  ),
];

export const ACME_EVENTS: TestEvent[] = [...generate(ACME, 7, 640, 400 * SECOND, ACME_CAMPAIGNS), ...hand];
/** Another tenant, with a campaign id acme also uses and one of its own. */
export const SECRET_CAMPAIGN = 'b-secret';
export const GLOBEX_EVENTS: TestEvent[] = generate(GLOBEX, 11, 200, 1_200 * SECOND, [
  { id: 'c-alpha', mix: [10, 2, 1, 3, 2] },
  { id: SECRET_CAMPAIGN, mix: [10, 2, 1, 3, 2] },
]);
export const ALL_EVENTS = [...ACME_EVENTS, ...GLOBEX_EVENTS];

export const insertStatements = (database: string, events: readonly TestEvent[]) => `${eventsInsertSql(database)}\n${events.map((e) => e.line).join('\n')}\n`;

// ---------------------------------------------------------------------------
// Reference answers

export interface Range {
  fromMs: number;
  toMs: number;
}

export interface Filter {
  tenant: string;
  range: Range;
  campaignId?: string;
  platform?: string;
}

export function select(f: Filter): TestEvent[] {
  return ALL_EVENTS.filter(
    (e) =>
      e.tenant === f.tenant &&
      e.tsMs >= f.range.fromMs &&
      e.tsMs < f.range.toMs &&
      (f.campaignId === undefined || e.event.campaign_id === f.campaignId) &&
      (f.platform === undefined || (e.event.platform ?? '') === f.platform),
  );
}

interface Sums {
  impressions: number;
  clicks: number;
  conversions: number;
  bids: number;
  wins: number;
  spend_micros: number;
  revenue_micros: number;
  users: Set<string>;
}

function sums(events: readonly TestEvent[]): Sums {
  const n = (type: WireEvent['type']) => events.filter((e) => e.event.type === type).length;
  return {
    impressions: n('impression'),
    clicks: n('click'),
    conversions: n('conversion'),
    bids: n('bid'),
    wins: n('win'),
    spend_micros: events.reduce((a, e) => a + (e.event.cost ?? 0), 0),
    revenue_micros: events.reduce((a, e) => a + (e.event.revenue ?? 0), 0),
    users: new Set(events.flatMap((e) => (e.event.user_id === undefined ? [] : [e.event.user_id]))),
  };
}

export function measuresOf(events: readonly TestEvent[]): Measures {
  const { users, ...totals } = sums(events);
  const { spend_micros: _s, revenue_micros: _r, ...counts } = totals;
  return { ...counts, unique_users: users.size, ...computeKpis(totals) };
}

export function seriesOf(events: readonly TestEvent[], bucketMs: number): ({ t: string } & Measures)[] {
  const buckets = new Map<number, TestEvent[]>();
  for (const e of events) {
    const start = Math.floor(e.tsMs / bucketMs) * bucketMs;
    buckets.set(start, [...(buckets.get(start) ?? []), e]);
  }
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([start, es]) => ({ t: new Date(start).toISOString(), ...measuresOf(es) }));
}

type SumKey = Exclude<keyof Sums, 'users'>;
const RATIOS: Partial<Record<MeasureKey, [SumKey, SumKey]>> = {
  ctr: ['clicks', 'impressions'],
  cvr: ['conversions', 'clicks'],
  cpc: ['spend_micros', 'clicks'],
  cpm: ['spend_micros', 'impressions'],
  cpa: ['spend_micros', 'conversions'],
  roas: ['revenue_micros', 'spend_micros'],
  win_rate: ['wins', 'bids'],
};
const VALUES: Partial<Record<MeasureKey, (s: Sums) => number>> = { spend: (s) => s.spend_micros, revenue: (s) => s.revenue_micros, unique_users: (s) => s.users.size };

/**
 * Campaign ids ranked by `sort`: ratios compared exactly as fractions (no
 * float rounding can reorder equal ratios), zero denominators last, ties by id.
 */
export function rankingOf(f: Filter, sort: MeasureKey, order: 'asc' | 'desc'): string[] {
  const byCampaign = new Map<string, Sums>();
  const events = select(f);
  for (const id of new Set(events.map((e) => e.event.campaign_id))) byCampaign.set(id, sums(events.filter((e) => e.event.campaign_id === id)));
  const sign = order === 'asc' ? 1 : -1;
  const ratio = RATIOS[sort];
  const compare = ([idA, a]: [string, Sums], [idB, b]: [string, Sums]): number => {
    let c: number;
    if (ratio !== undefined) {
      const [num, den] = ratio;
      if ((a[den] === 0) !== (b[den] === 0)) return a[den] === 0 ? 1 : -1;
      c = a[den] === 0 ? 0 : Math.sign(Number(BigInt(a[num]) * BigInt(b[den]) - BigInt(b[num]) * BigInt(a[den]))) * sign;
    } else {
      const value = VALUES[sort] ?? ((s: Sums) => s[sort as SumKey]);
      c = Math.sign(value(a) - value(b)) * sign;
    }
    return c !== 0 ? c : idA < idB ? -1 : idA > idB ? 1 : 0;
  };
  return [...byCampaign].sort(compare).map(([id]) => id);
}

export type BreakdownColumn = 'platform' | 'device' | 'country' | 'ad_id' | 'creative_id' | 'publisher_id';

export function breakdownOf(f: Filter, column: BreakdownColumn): ({ value: string | null } & Measures)[] {
  const groups = new Map<string, TestEvent[]>();
  for (const e of select(f)) {
    const value = (e.event[column] as string | undefined) ?? (column === 'device' ? 'unknown' : '');
    groups.set(value, [...(groups.get(value) ?? []), e]);
  }
  return [...groups]
    .map(([value, es]) => ({ value: value === '' ? null : value, ...measuresOf(es), key: value }))
    .sort((a, b) => b.impressions - a.impressions || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key: _key, ...row }) => row);
}

/** Median seconds from click to conversion for conversions in the range (see clickToConversionSql for the rules). */
export function medianDelayOf(f: Filter & { campaignId: string }): number | null {
  const delays: number[] = [];
  for (const conversion of select(f).filter((e) => e.event.type === 'conversion' && e.event.click_id !== undefined)) {
    const click = ALL_EVENTS.find(
      (e) =>
        e.tenant === f.tenant &&
        e.event.type === 'click' &&
        e.id === conversion.event.click_id &&
        e.event.campaign_id === f.campaignId &&
        e.tsMs >= f.range.fromMs - 30 * DAY &&
        e.tsMs < f.range.toMs,
    );
    if (click !== undefined && conversion.tsMs >= click.tsMs) delays.push((conversion.tsMs - click.tsMs) / SECOND);
  }
  if (delays.length === 0) return null;
  delays.sort((a, b) => a - b);
  return (delays[Math.floor((delays.length - 1) / 2)]! + delays[Math.floor(delays.length / 2)]!) / 2;
}
