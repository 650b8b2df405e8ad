import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEVICES, EVENT_TYPES, createTrafficModel, type TrafficModelOptions, type WireEvent } from '../lib/traffic-model.ts';
import { createRng, hash32, weightedTable } from '../lib/random.ts';

// The wire contract of DESIGN.md ("Event (wire format, JSON)"), strict: unknown fields fail.
const MONEY = z
  .number()
  .min(0)
  .refine((n) => /^\d+(\.\d{1,6})?$/.test(String(n)), { message: 'money: at most 6 fraction digits, no exponent' });
const ID = z.string().min(1).max(128);
const WireSchema = z.strictObject({
  event_id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  type: z.enum(EVENT_TYPES),
  ts: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    .refine((s) => new Date(s).toISOString() === s),
  campaign_id: ID,
  ad_group_id: ID.optional(),
  ad_id: ID.optional(),
  creative_id: ID.optional(),
  platform: z.string().min(1).max(32).optional(),
  publisher_id: ID.optional(),
  site_id: ID.optional(),
  placement_id: ID.optional(),
  user_id: ID.optional(),
  session_id: ID.optional(),
  device: z.enum(DEVICES).optional(),
  os: z.string().min(1).max(64).optional(),
  browser: z.string().min(1).max(64).optional(),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  region: z.string().min(1).max(64).optional(),
  city: z.string().min(1).max(128).optional(),
  bid_price: MONEY.optional(),
  win_price: MONEY.optional(),
  cost: MONEY.optional(),
  revenue: MONEY.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  click_id: z.uuid().optional(),
  metadata: z.record(z.string(), z.string().max(256)).optional(),
});

function collect(options: TrafficModelOptions, batches: number, size: number): { events: WireEvent[]; batchOf: number[] } {
  const model = createTrafficModel(options);
  const events: WireEvent[] = [];
  const batchOf: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (const e of model.nextBatch(size)) {
      events.push(e);
      batchOf.push(b);
    }
  }
  return { events, batchOf };
}

/** Emitted events of a model, including everything still scheduled, with first-seen indexes. */
function runFull(options: TrafficModelOptions, batches: number, size: number) {
  const model = createTrafficModel(options);
  const events: WireEvent[] = [];
  for (let b = 0; b < batches; b++) events.push(...model.nextBatch(size));
  events.push(...model.drain());
  return { model, events, stats: model.stats() };
}

describe('random', () => {
  it('is deterministic per seed and roughly uniform', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(createRng(43).next()).not.toBe(xs[0]);
    const buckets = new Array<number>(10).fill(0);
    const r = createRng(7);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.next() * 10)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(9_500), expect(n).toBeLessThan(10_500);
  });

  it('hash32 separates parts and weighted tables follow their weights', () => {
    expect(hash32('ab', 'c')).not.toBe(hash32('a', 'bc'));
    expect(hash32(1, 2)).toBe(hash32(1, 2));
    const t = weightedTable([['a', 1], ['b', 3]] as const);
    const r = createRng(1);
    let b = 0;
    for (let i = 0; i < 40_000; i++) if (r.weighted(t) === 'b') b++;
    expect(b / 40_000).toBeGreaterThan(0.73);
    expect(b / 40_000).toBeLessThan(0.77);
  });
});

describe('traffic model', () => {
  it('is deterministic given a seed (event ids included)', () => {
    const opts = { seed: 7, lateFraction: 0.05, duplicateFraction: 0.05, campaigns: 20 };
    const a = collect(opts, 20, 500).events;
    const b = collect(opts, 20, 500).events;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = collect({ ...opts, seed: 8 }, 20, 500).events;
    expect(c[0]!.event_id).not.toBe(a[0]!.event_id);
    expect(createTrafficModel(opts).campaigns).toEqual(createTrafficModel(opts).campaigns);
  });

  it('returns batches of exactly the requested size and validates options', () => {
    const m = createTrafficModel({ seed: 1 });
    expect(m.nextBatch(0)).toEqual([]);
    expect(m.nextBatch(1)).toHaveLength(1);
    expect(m.nextBatch(777)).toHaveLength(777);
    expect(() => m.nextBatch(-1)).toThrow(/batch size/);
    expect(() => createTrafficModel({ lateFraction: 1.5 })).toThrow(/lateFraction/);
    expect(() => createTrafficModel({ duplicateFraction: -0.1 })).toThrow(/duplicateFraction/);
    expect(() => createTrafficModel({ campaigns: 0 })).toThrow(/campaigns/);
    expect(() => createTrafficModel({ seed: 1.5 })).toThrow(/seed/);
    expect(() => createTrafficModel({ currency: 'usd' })).toThrow(/currency/);
  });

  it('models many campaigns with unique ids, ad groups, ads and creatives', () => {
    const m = createTrafficModel({ seed: 3, campaigns: 120 });
    expect(m.campaigns).toHaveLength(120);
    const ids = m.campaigns.flatMap((c) => [
      c.campaign_id,
      ...c.adGroups.flatMap((g) => [g.ad_group_id, ...g.ads.flatMap((a) => [a.ad_id, ...a.creative_ids])]),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(m.campaigns.map((c) => c.platform)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(m.campaigns.map((c) => c.advertiser)).size).toBeGreaterThan(10);
    for (const c of m.campaigns) {
      expect(c.winRate).toBeGreaterThanOrEqual(0.2);
      expect(c.winRate).toBeLessThanOrEqual(0.4);
      expect(c.ctr).toBeGreaterThanOrEqual(0.01);
      expect(c.ctr).toBeLessThanOrEqual(0.03);
      expect(c.cvr).toBeGreaterThanOrEqual(0.02);
      expect(c.cvr).toBeLessThanOrEqual(0.1);
    }
  });

  // ~300k events: generous timeouts for slow CI machines (no timing is asserted).
  describe('over a large sample', { timeout: 30_000 }, () => {
    const { events, stats } = runFull({ seed: 11, campaigns: 50, lateFraction: 0.05, duplicateFraction: 0.02 }, 300, 1000);
    const distinct = new Map<string, { e: WireEvent; index: number }>();
    const copies = new Map<string, WireEvent[]>();
    events.forEach((e, index) => {
      if (distinct.has(e.event_id)) copies.get(e.event_id)!.push(e);
      else {
        distinct.set(e.event_id, { e, index });
        copies.set(e.event_id, []);
      }
    });
    const unique = [...distinct.values()].map((d) => d.e);
    const byType = (t: WireEvent['type']) => unique.filter((e) => e.type === t);

    it('every event satisfies the wire contract and carries no advertiser_id', () => {
      const problems: string[] = [];
      const problem = (e: WireEvent, what: string) => {
        if (problems.length < 10) problems.push(`${what}: ${JSON.stringify(e)}`);
      };
      let checked = 0;
      for (const [i, e] of events.entries()) {
        if (Object.hasOwn(e, 'advertiser_id')) problem(e, 'advertiser_id present');
        // Schema-check every event of the funnel's later steps and one bid in five (speed).
        if (e.type === 'bid' && i % 5 !== 0) continue;
        checked++;
        const r = WireSchema.safeParse(e);
        if (!r.success) problem(e, r.error.message);
        if (Object.hasOwn(e, 'advertiser_id')) problem(e, 'advertiser_id present');
        if (Object.values(e).some((v) => v === undefined || v === null)) problem(e, 'undefined/null field');
      }
      expect(checked).toBeGreaterThan(100_000);
      // Each field where it belongs.
      for (const e of unique) {
        const conv = e.type === 'conversion';
        if ((e.click_id !== undefined) !== conv) problem(e, 'click_id only on conversions');
        if ((e.revenue !== undefined) !== conv) problem(e, 'revenue only on conversions');
        if ((e.win_price !== undefined) !== (e.type === 'win')) problem(e, 'win_price only on wins');
        if ((e.bid_price !== undefined) !== (e.type === 'bid' || e.type === 'win')) problem(e, 'bid_price on bids/wins');
        if (e.cost !== undefined && e.type !== 'impression' && e.type !== 'click') problem(e, 'cost on impressions/clicks');
        if (e.type === 'win' && !(e.win_price! <= e.bid_price!)) problem(e, 'win_price <= bid_price');
      }
      expect(problems).toEqual([]);
      expect(new Set(unique.map((e) => e.device))).toEqual(new Set(DEVICES));
      expect(new Set(unique.map((e) => e.country)).size).toBeGreaterThan(20);
      expect(new Set(unique.map((e) => e.platform)).size).toBeGreaterThanOrEqual(5);
    });

    it('conversions point at an earlier click of the same campaign and user', () => {
      const conversions = byType('conversion');
      expect(conversions.length).toBeGreaterThan(20);
      for (const conv of conversions) {
        const click = distinct.get(conv.click_id!);
        expect(click, `click ${conv.click_id} of conversion ${conv.event_id}`).toBeDefined();
        expect(click!.e.type).toBe('click');
        expect(click!.index).toBeLessThan(distinct.get(conv.event_id)!.index);
        expect(Date.parse(click!.e.ts)).toBeLessThanOrEqual(Date.parse(conv.ts));
        expect(click!.e.campaign_id).toBe(conv.campaign_id);
        expect(click!.e.user_id).toBe(conv.user_id);
      }
    });

    it('clicks follow an impression of the same user, session and campaign; wins follow bids', () => {
      type Prior = Array<{ ts: number; index: number }>;
      const key = (e: WireEvent) => `${e.campaign_id}|${e.user_id}|${e.session_id}|${e.ad_id}`;
      const seen = (t: WireEvent['type']) => {
        const m = new Map<string, Prior>();
        for (const { e, index } of distinct.values()) {
          if (e.type !== t) continue;
          let list = m.get(key(e));
          if (!list) m.set(key(e), (list = []));
          list.push({ ts: Date.parse(e.ts), index });
        }
        return m;
      };
      const impressions = seen('impression');
      const bids = seen('bid');
      const check = (t: WireEvent['type'], before: Map<string, Prior>) => {
        for (const { e, index } of distinct.values()) {
          if (e.type !== t) continue;
          const ts = Date.parse(e.ts);
          const prior = (before.get(key(e)) ?? []).some((p) => p.index < index && p.ts <= ts);
          expect(prior, `${t} ${e.event_id} without an earlier event of the same user/session/campaign`).toBe(true);
        }
      };
      check('click', impressions);
      check('win', bids);
      for (const click of byType('click')) expect(click.session_id).toBeTruthy();
    });

    it('rates are realistic (win 20-40 %, CTR 1-3 %, CVR 2-10 %), within loose bounds', () => {
      const d = stats.distinct;
      expect(d.bid).toBeGreaterThan(100_000);
      expect(d.win / d.bid).toBeGreaterThan(0.18);
      expect(d.win / d.bid).toBeLessThan(0.42);
      expect(d.impression / d.win).toBeGreaterThan(0.9);
      expect(d.impression / d.win).toBeLessThanOrEqual(1);
      expect(d.click / d.impression).toBeGreaterThan(0.008);
      expect(d.click / d.impression).toBeLessThan(0.035);
      expect(d.conversion / d.click).toBeGreaterThan(0.015);
      expect(d.conversion / d.click).toBeLessThan(0.12);
      expect(stats.late / stats.distinctTotal).toBeGreaterThan(0.03);
      expect(stats.late / stats.distinctTotal).toBeLessThan(0.07);
      expect(stats.duplicates / stats.distinctTotal).toBeGreaterThan(0.016);
      expect(stats.duplicates / stats.distinctTotal).toBeLessThan(0.024);
      // Mostly mobile, then desktop.
      const mobile = unique.filter((e) => e.device === 'mobile').length / unique.length;
      const desktop = unique.filter((e) => e.device === 'desktop').length / unique.length;
      expect(mobile).toBeGreaterThan(desktop);
      expect(mobile).toBeGreaterThan(0.4);
    });

    it('duplicates repeat an event with the same event_id and an identical body', () => {
      let dupCount = 0;
      for (const [id, list] of copies) {
        const original = JSON.stringify(distinct.get(id)!.e);
        for (const dup of list) {
          dupCount++;
          expect(dup.event_id).toBe(id);
          expect(JSON.stringify(dup)).toBe(original);
        }
      }
      expect(dupCount).toBe(stats.duplicates);
      expect(dupCount).toBeGreaterThan(1000);
    });

    it('ground-truth counters match what was emitted', () => {
      for (const t of EVENT_TYPES) expect(stats.distinct[t]).toBe(byType(t).length);
      expect(stats.distinctTotal).toBe(unique.length);
      expect(stats.emitted).toBe(events.length);
      expect(stats.pending).toBe(0);
      const micros = (n: number | undefined) => Math.round((n ?? 0) * 1e6);
      expect(stats.costMicros).toBe(unique.reduce((s, e) => s + micros(e.cost), 0));
      expect(stats.revenueMicros).toBe(unique.reduce((s, e) => s + micros(e.revenue), 0));
      const perCampaign = Object.values(stats.byCampaign);
      expect(perCampaign.reduce((s, c) => s + c.click, 0)).toBe(stats.distinct.click);
      expect(perCampaign.reduce((s, c) => s + c.costMicros, 0)).toBe(stats.costMicros);
    });
  });

  it('puts duplicates in the same batch or a later one', () => {
    const { events, batchOf } = collect({ seed: 5, duplicateFraction: 0.1 }, 40, 200);
    const first = new Map<string, number>();
    let same = 0;
    let later = 0;
    events.forEach((e, i) => {
      const b = first.get(e.event_id);
      if (b === undefined) first.set(e.event_id, batchOf[i]!);
      else if (b === batchOf[i]) same++;
      else {
        expect(batchOf[i]!).toBeGreaterThan(b);
        later++;
      }
    });
    expect(same).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(0);
  });

  it('never emits an event ahead of the clock; late events are minutes to hours old', () => {
    let now = Date.UTC(2025, 5, 1, 12);
    const m = createTrafficModel({ seed: 9, clock: () => now, lateFraction: 0 });
    let last = 0;
    for (let i = 0; i < 200; i++) {
      for (const e of m.nextBatch(100)) {
        const ts = Date.parse(e.ts);
        expect(ts).toBeLessThanOrEqual(now);
        expect(ts).toBeGreaterThan(now - 1000); // not late
        expect(ts).toBeGreaterThanOrEqual(last); // released in ts order
        last = ts;
      }
      now += 50;
    }
    expect(m.stats().pending).toBeGreaterThan(0); // wins, impressions, clicks still ahead

    const late = createTrafficModel({ seed: 9, clock: () => now, lateFraction: 1 });
    const batch = late.nextBatch(5000);
    for (const e of batch) {
      const age = now - Date.parse(e.ts);
      expect(age).toBeGreaterThanOrEqual(2 * 60_000);
      expect(age).toBeLessThanOrEqual(6 * 3_600_000 + 40 * 60_000);
    }
    expect(late.stats().late).toBe(5000);
    expect(new Set(batch.map((e) => Math.floor(Date.parse(e.ts) / 3_600_000))).size).toBeGreaterThan(3);
  });
});
