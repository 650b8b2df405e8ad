// A deterministic model of advertising traffic, producing events in the adstream
// wire format (docs: /work/shared/DESIGN.md, "Event (wire format, JSON)").
//
// Pure: everything derives from `seed` and from the clock you give it. Without a
// clock the model runs on a virtual clock (startTime + n / virtualRate seconds
// after n distinct events), so two models with the same options produce exactly
// the same batches, event ids included.
//
// Shape of the traffic:
//   advertisers -> campaigns (one platform each, CPM or CPC priced, an objective,
//   target countries) -> ad groups -> ads -> creatives;
//   a user (stable device/os/browser/country/city, drawn per country and device
//   from a skewed population, so some users come back often) and a 30-minute session;
//   inventory: the platform's own properties (facebook/instagram reels, youtube
//   instream, google search...) or open-web publishers/sites/placements.
// Each auction is a funnel chain, generated at once and released in ts order:
//   bid -> win (20-40 %) -> impression (96 % of wins) -> click (CTR 1-3 %)
//   -> conversion (CVR 2-10 %, click_id = the click's event_id).
// Later steps carry later timestamps (win +5..120 ms, impression +30..1500 ms,
// click seconds later, conversion seconds to 30 min later); an event is only handed
// out once the clock has reached its ts, so nothing is ever in the future.
// Late chains (lateFraction) happen minutes to hours in the past and are handed out
// at once. Duplicates (duplicateFraction) re-emit an event with the same event_id
// and an identical body, in the same batch or up to three batches later.
//
// Money: computed in integer micros and emitted as decimal currency units
// (micros / 1e6, so at most 6 fraction digits, e.g. 0.0025). Costs: on impressions
// for CPM campaigns (the clearing price), on clicks for CPC campaigns. Revenue on
// conversions. `advertiser_id` is never emitted: the server stamps it from the key.

import { v7 as uuidv7 } from 'uuid';
import { createRng, hash32, hex32, weightedTable, type Rng, type WeightedTable } from './random.ts';

export const EVENT_TYPES = ['bid', 'win', 'impression', 'click', 'conversion'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEVICES = ['mobile', 'desktop', 'tablet', 'ctv', 'other'] as const;
export type Device = (typeof DEVICES)[number];

/** One event as sent on the wire. Field order is stable (bodies of duplicates are identical). */
export interface WireEvent {
  event_id: string;
  type: EventType;
  ts: string;
  campaign_id: string;
  ad_group_id?: string;
  ad_id?: string;
  creative_id?: string;
  platform?: string;
  publisher_id?: string;
  site_id?: string;
  placement_id?: string;
  user_id?: string;
  session_id?: string;
  device?: Device;
  os?: string;
  browser?: string;
  country?: string;
  region?: string;
  city?: string;
  bid_price?: number;
  win_price?: number;
  cost?: number;
  revenue?: number;
  currency?: string;
  click_id?: string;
  metadata?: Record<string, string>;
}

export type Pricing = 'cpm' | 'cpc';
export type Objective = 'purchase' | 'lead' | 'install' | 'signup';

export interface AdInfo {
  readonly ad_id: string;
  readonly creative_ids: readonly string[];
}
export interface AdGroupInfo {
  readonly ad_group_id: string;
  readonly ads: readonly AdInfo[];
}
/** A campaign of the model, as its ground truth (none of this except ids goes on the wire). */
export interface CampaignInfo {
  readonly campaign_id: string;
  /** Internal advertiser label; never sent (the server stamps advertiser_id). */
  readonly advertiser: string;
  readonly platform: string;
  readonly pricing: Pricing;
  readonly objective: Objective;
  /** Bid CPM in currency units per 1000 impressions. */
  readonly bidCpm: number;
  /** Max CPC in currency units, for CPC campaigns. */
  readonly maxCpc: number;
  readonly winRate: number;
  readonly ctr: number;
  readonly cvr: number;
  /** Relative traffic share among campaigns. */
  readonly weight: number;
  /** Target countries; empty means worldwide. */
  readonly countries: readonly string[];
  readonly adGroups: readonly AdGroupInfo[];
}

export interface TrafficModelOptions {
  /** uint32 seed; default 1. */
  seed?: number;
  /** Number of campaigns; default 50. */
  campaigns?: number;
  /** Share of events (by whole funnel chains) whose ts lies minutes to hours in the past; default 0. */
  lateFraction?: number;
  /** Share of distinct events emitted a second time (same event_id, identical body); default 0. */
  duplicateFraction?: number;
  /** ISO 4217 currency of every money field; default USD. */
  currency?: string;
  /** Wall clock in epoch ms (e.g. Date.now). Without it the model runs on a virtual clock. */
  clock?: () => number;
  /** Virtual clock origin in epoch ms; default 2025-01-01T00:00:00Z. Ignored with `clock`. */
  startTime?: number;
  /** Virtual clock speed: distinct events per virtual second; default 1000. Ignored with `clock`. */
  virtualRate?: number;
}

export interface TypeCounts {
  bid: number;
  win: number;
  impression: number;
  click: number;
  conversion: number;
}

export interface CampaignTruth extends TypeCounts {
  costMicros: number;
  revenueMicros: number;
}

/** Ground truth of what the model has emitted so far. */
export interface TrafficStats {
  /** Distinct events (distinct event_ids) emitted, by type. */
  distinct: TypeCounts;
  distinctTotal: number;
  /** Re-emissions of an already emitted event (same event_id and body). */
  duplicates: number;
  /** Distinct events whose ts was placed in the past (late chains). */
  late: number;
  /** distinctTotal + duplicates: everything handed out. */
  emitted: number;
  batches: number;
  /** Events generated but not emitted yet (their ts is still in the future). */
  pending: number;
  /** Σcost and Σrevenue over distinct events, in micros. */
  costMicros: number;
  revenueMicros: number;
  byCampaign: Record<string, CampaignTruth>;
}

export interface TrafficModel {
  readonly campaigns: readonly CampaignInfo[];
  readonly options: Readonly<Required<Omit<TrafficModelOptions, 'clock'>>> & { readonly virtualClock: boolean };
  /** The next `size` events (fresh events whose ts has come, plus due duplicates). */
  nextBatch(size: number): WireEvent[];
  /** Everything still scheduled (future ts and pending duplicates), in ts order. For tests and finite data sets. */
  drain(): WireEvent[];
  stats(): TrafficStats;
}

// ---------------------------------------------------------------------------
// Static tables. Weights are relative; they need not sum to 1.

type Entries<T> = ReadonlyArray<readonly [T, number]>;

interface Property {
  readonly publisher: string;
  readonly site: string;
  readonly placements: readonly string[];
  readonly weight: number;
}

interface PlatformSpec {
  readonly name: string;
  readonly share: number;
  /** Length of the platform's numeric ids (campaigns, ad groups, ads, creatives). */
  readonly idDigits: number;
  readonly cpmMedian: number;
  readonly cpcShare: number;
  readonly cpcMedian: number;
  readonly devices: Entries<Device>;
  readonly properties: readonly Property[];
  /** Share of traffic bought on open-web publishers instead of own properties. */
  readonly openWeb: number;
}

const PLATFORMS: readonly PlatformSpec[] = [
  {
    name: 'google', share: 34, idDigits: 11, cpmMedian: 3.5, cpcShare: 0.6, cpcMedian: 1.2,
    devices: [['mobile', 55], ['desktop', 33], ['tablet', 6], ['ctv', 4], ['other', 2]],
    properties: [
      { publisher: 'google', site: 'google_search', placements: ['search_top', 'search_bottom', 'shopping'], weight: 35 },
      { publisher: 'google', site: 'youtube', placements: ['instream', 'infeed', 'shorts', 'bumper'], weight: 25 },
      { publisher: 'google', site: 'gmail', placements: ['promotions_tab'], weight: 3 },
    ],
    openWeb: 0.37,
  },
  {
    name: 'meta', share: 28, idDigits: 17, cpmMedian: 9, cpcShare: 0.15, cpcMedian: 0.9,
    devices: [['mobile', 80], ['desktop', 14], ['tablet', 5], ['other', 1]],
    properties: [
      { publisher: 'meta', site: 'facebook', placements: ['feed', 'stories', 'reels', 'right_column', 'marketplace'], weight: 45 },
      { publisher: 'meta', site: 'instagram', placements: ['feed', 'stories', 'reels', 'explore'], weight: 45 },
      { publisher: 'meta', site: 'messenger', placements: ['inbox'], weight: 4 },
      { publisher: 'meta', site: 'audience_network', placements: ['native', 'rewarded_video', 'interstitial'], weight: 6 },
    ],
    openWeb: 0,
  },
  {
    name: 'tiktok', share: 10, idDigits: 19, cpmMedian: 6, cpcShare: 0.1, cpcMedian: 0.7,
    devices: [['mobile', 93], ['tablet', 5], ['desktop', 2]],
    properties: [
      { publisher: 'tiktok', site: 'tiktok', placements: ['for_you', 'search'], weight: 85 },
      { publisher: 'tiktok', site: 'pangle', placements: ['rewarded_video', 'interstitial'], weight: 15 },
    ],
    openWeb: 0,
  },
  {
    name: 'linkedin', share: 6, idDigits: 9, cpmMedian: 30, cpcShare: 0.5, cpcMedian: 5.5,
    devices: [['desktop', 55], ['mobile', 40], ['tablet', 5]],
    properties: [
      { publisher: 'linkedin', site: 'linkedin', placements: ['feed', 'right_rail', 'messaging'], weight: 90 },
      { publisher: 'linkedin', site: 'linkedin_audience_network', placements: ['native'], weight: 10 },
    ],
    openWeb: 0,
  },
  {
    name: 'amazon', share: 8, idDigits: 12, cpmMedian: 5, cpcShare: 0.4, cpcMedian: 0.95,
    devices: [['mobile', 45], ['desktop', 30], ['ctv', 15], ['tablet', 8], ['other', 2]],
    properties: [
      { publisher: 'amazon', site: 'amazon', placements: ['search_results', 'product_detail'], weight: 45 },
      { publisher: 'amazon', site: 'prime_video', placements: ['instream'], weight: 20 },
      { publisher: 'amazon', site: 'twitch', placements: ['preroll', 'midroll'], weight: 5 },
    ],
    openWeb: 0.3,
  },
  {
    name: 'microsoft', share: 6, idDigits: 9, cpmMedian: 4, cpcShare: 0.7, cpcMedian: 1.5,
    devices: [['desktop', 60], ['mobile', 35], ['tablet', 5]],
    properties: [
      { publisher: 'microsoft', site: 'bing', placements: ['search_top', 'search_sidebar'], weight: 60 },
      { publisher: 'microsoft', site: 'msn', placements: ['native'], weight: 20 },
    ],
    openWeb: 0.2,
  },
  {
    name: 'snapchat', share: 4, idDigits: 10, cpmMedian: 4, cpcShare: 0.1, cpcMedian: 0.6,
    devices: [['mobile', 97], ['tablet', 3]],
    properties: [{ publisher: 'snapchat', site: 'snapchat', placements: ['stories', 'spotlight', 'discover'], weight: 1 }],
    openWeb: 0,
  },
  {
    name: 'pinterest', share: 4, idDigits: 12, cpmMedian: 5, cpcShare: 0.3, cpcMedian: 0.8,
    devices: [['mobile', 70], ['desktop', 22], ['tablet', 8]],
    properties: [{ publisher: 'pinterest', site: 'pinterest', placements: ['home_feed', 'search', 'related_pins'], weight: 1 }],
    openWeb: 0,
  },
];

/** Share of ad traffic by country (ISO 3166-1 alpha-2), with a few cities each (ISO 3166-2 region code). */
const COUNTRIES: ReadonlyArray<readonly [string, number, ReadonlyArray<readonly [string, string]>]> = [
  ['US', 30, [['CA', 'Los Angeles'], ['CA', 'San Francisco'], ['NY', 'New York'], ['TX', 'Houston'], ['TX', 'Austin'], ['IL', 'Chicago'], ['FL', 'Miami'], ['WA', 'Seattle']]],
  ['GB', 7, [['ENG', 'London'], ['ENG', 'Manchester'], ['SCT', 'Edinburgh']]],
  ['IN', 7, [['MH', 'Mumbai'], ['DL', 'Delhi'], ['KA', 'Bengaluru']]],
  ['DE', 6, [['BE', 'Berlin'], ['BY', 'Munich'], ['HH', 'Hamburg']]],
  ['BR', 5, [['SP', 'São Paulo'], ['RJ', 'Rio de Janeiro']]],
  ['FR', 4.5, [['IDF', 'Paris'], ['ARA', 'Lyon']]],
  ['JP', 4.5, [['13', 'Tokyo'], ['27', 'Osaka']]],
  ['CA', 4, [['ON', 'Toronto'], ['QC', 'Montréal'], ['BC', 'Vancouver']]],
  ['MX', 3, [['CMX', 'Mexico City'], ['JAL', 'Guadalajara']]],
  ['ID', 3, [['JK', 'Jakarta']]],
  ['AU', 2.5, [['NSW', 'Sydney'], ['VIC', 'Melbourne']]],
  ['ES', 2.5, [['MD', 'Madrid'], ['CT', 'Barcelona']]],
  ['IT', 2.5, [['RM', 'Rome'], ['MI', 'Milan']]],
  ['KR', 2, [['11', 'Seoul']]],
  ['PH', 2, [['00', 'Manila']]],
  ['NL', 1.5, [['NH', 'Amsterdam']]],
  ['PL', 1.5, [['14', 'Warsaw']]],
  ['TR', 1.5, [['34', 'Istanbul']]],
  ['VN', 1.5, []],
  ['TH', 1.5, []],
  ['SE', 1, [['AB', 'Stockholm']]],
  ['ZA', 1, [['GP', 'Johannesburg']]],
  ['AR', 1, [['C', 'Buenos Aires']]],
  ['CO', 1, [['DC', 'Bogotá']]],
  ['NG', 1, [['LA', 'Lagos']]],
  ['SA', 1, []],
  ['EG', 1, []],
  ['AE', 0.8, [['DU', 'Dubai']]],
  ['CH', 0.8, [['ZH', 'Zürich']]],
  ['BE', 0.8, []],
  ['MY', 0.8, []],
  ['SG', 0.7, [['01', 'Singapore']]],
  ['CL', 0.7, []],
  ['AT', 0.6, [['9', 'Vienna']]],
  ['PT', 0.6, []],
  ['IE', 0.5, [['D', 'Dublin']]],
  ['NZ', 0.5, []],
  ['DK', 0.5, []],
  ['NO', 0.5, []],
  ['FI', 0.4, []],
];

const OS_BY_DEVICE: Record<Device, Entries<string>> = {
  mobile: [['iOS', 47], ['Android', 52], ['HarmonyOS', 1]],
  desktop: [['Windows', 68], ['macOS', 23], ['ChromeOS', 5], ['Linux', 4]],
  tablet: [['iPadOS', 62], ['Android', 36], ['Fire OS', 2]],
  ctv: [['Roku OS', 30], ['Tizen', 20], ['Android TV', 13], ['tvOS', 15], ['webOS', 12], ['Fire OS', 10]],
  other: [['PlayStation', 40], ['Xbox', 35], ['Linux', 25]],
};

/** Browsers by OS; an OS absent here means app/TV traffic without a browser. */
const BROWSER_BY_OS: Record<string, Entries<string>> = {
  iOS: [['Safari', 85], ['Chrome', 12], ['Firefox', 3]],
  iPadOS: [['Safari', 88], ['Chrome', 12]],
  Android: [['Chrome', 78], ['Samsung Internet', 15], ['Firefox', 4], ['Opera', 3]],
  HarmonyOS: [['Huawei Browser', 1]],
  Windows: [['Chrome', 66], ['Edge', 22], ['Firefox', 9], ['Opera', 3]],
  macOS: [['Chrome', 48], ['Safari', 45], ['Firefox', 5], ['Edge', 2]],
  ChromeOS: [['Chrome', 1]],
  Linux: [['Chrome', 60], ['Firefox', 40]],
};

const OBJECTIVES: Entries<Objective> = [['purchase', 50], ['lead', 25], ['install', 15], ['signup', 10]];

const DEFAULT_START = Date.UTC(2025, 0, 1);
const SESSION_MS = 30 * 60_000;
const IMPRESSION_RATE = 0.96;
const OPEN_WEB_PUBLISHERS = 150;
// Numeric domain-separation tags for hash32 (cheaper than strings in hot paths).
const TAG_USER = 0x75736572;
const TAG_USER_ID = 0x75736964;
const TAG_SESSION = 0x73657373;
const TAG_SESSION_ID = 0x73736964;

// ---------------------------------------------------------------------------

interface Placement {
  readonly publisher: string;
  readonly site: string;
  readonly placement: string;
}

interface AdModel {
  readonly adGroup: string;
  readonly ad: string;
  readonly creatives: readonly string[];
  /** Multiplies the campaign CTR: some ads are simply better. */
  readonly appeal: number;
}

interface CampaignModel {
  readonly info: CampaignInfo;
  readonly countries: WeightedTable<CountryModel>;
  readonly devices: WeightedTable<Device>;
  readonly inventory: WeightedTable<Placement>;
  readonly ads: readonly AdModel[];
  /** Index into `ads`, weighted by delivery share. */
  readonly adChoice: WeightedTable<number>;
}

interface CountryModel {
  readonly code: string;
  readonly share: number;
  readonly cities: ReadonlyArray<readonly [string, string]>;
}

interface User {
  readonly id: string;
  readonly hash: number;
  readonly device: Device;
  readonly os: string;
  readonly browser: string | undefined;
  readonly country: string;
  readonly region: string | undefined;
  readonly city: string | undefined;
}

interface Scheduled {
  readonly ts: number;
  readonly seq: number;
  readonly late: boolean;
  readonly event: WireEvent;
  readonly costMicros: number;
  readonly revenueMicros: number;
}

function validateFraction(name: string, v: number): number {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a number in [0, 1], got ${v}`);
  return v;
}

function toMoney(micros: number): number {
  return micros / 1_000_000;
}

function microsOf(units: number): number {
  return Math.max(0, Math.round(units * 1_000_000));
}

function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** Value of one conversion, in currency units, by campaign objective. */
function revenueOf(objective: Objective, rng: Rng): number {
  switch (objective) {
    case 'purchase':
      return clamp(rng.logNormal(60, 0.7), 2, 2000); // order value
    case 'lead':
      return clamp(rng.logNormal(25, 0.5), 1, 500);
    case 'install':
      return clamp(rng.logNormal(1.5, 0.6), 0.1, 50);
    case 'signup':
      return clamp(rng.logNormal(6, 0.5), 0.5, 100);
  }
}

function emptyCounts(): TypeCounts {
  return { bid: 0, win: 0, impression: 0, click: 0, conversion: 0 };
}

/** Min-heap of scheduled events ordered by (ts, seq). */
class EventHeap {
  private readonly items: Scheduled[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Scheduled | undefined {
    return this.items[0];
  }

  push(item: Scheduled): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!EventHeap.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Scheduled | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && EventHeap.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && EventHeap.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  private static less(x: Scheduled, y: Scheduled): boolean {
    return x.ts < y.ts || (x.ts === y.ts && x.seq < y.seq);
  }
}

const MS_SUFFIX: readonly string[] = Array.from({ length: 1000 }, (_, i) => `.${String(i).padStart(3, '0')}Z`);

/** RFC 3339 UTC with milliseconds (same text as Date#toISOString), caching the per-second prefix. */
function isoFormatter(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 19);
    }
    return prefix + MS_SUFFIX[ms - s * 1000]!;
  };
}

function copyEvent(e: WireEvent): WireEvent {
  const c: WireEvent = { ...e };
  if (e.metadata) c.metadata = { ...e.metadata };
  return c;
}

// ---------------------------------------------------------------------------

export function createTrafficModel(options: TrafficModelOptions = {}): TrafficModel {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  const campaignCount = options.campaigns ?? 50;
  if (!Number.isInteger(campaignCount) || campaignCount < 1 || campaignCount > 100_000) {
    throw new RangeError(`campaigns must be an integer in [1, 100000], got ${campaignCount}`);
  }
  const lateFraction = validateFraction('lateFraction', options.lateFraction ?? 0);
  const duplicateFraction = validateFraction('duplicateFraction', options.duplicateFraction ?? 0);
  const currency = options.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  const startTime = options.startTime ?? DEFAULT_START;
  if (!Number.isFinite(startTime)) throw new RangeError(`startTime must be epoch ms, got ${startTime}`);
  const virtualRate = options.virtualRate ?? 1000;
  if (!(virtualRate > 0 && Number.isFinite(virtualRate))) {
    throw new RangeError(`virtualRate must be a positive number, got ${virtualRate}`);
  }

  // Separate streams, so e.g. changing duplicateFraction does not change the campaigns.
  const setupRng = createRng(hash32(seed, 'setup'));
  const chainRng = createRng(hash32(seed, 'chains'));
  const idRng = createRng(hash32(seed, 'ids'));
  const dupRng = createRng(hash32(seed, 'duplicates'));

  // --- countries and open-web inventory
  const countries: CountryModel[] = COUNTRIES.map(([code, share, cities]) => ({ code, share, cities }));
  const worldwide = weightedTable(countries.map((c) => [c, c.share] as const));

  const openWeb: Array<readonly [Placement, number]> = [];
  for (let p = 0; p < OPEN_WEB_PUBLISHERS; p++) {
    const publisher = `pub-${setupRng.hex(6)}`;
    const popularity = 1 / Math.pow(p + 1, 0.9);
    const sites = setupRng.intBetween(1, 3);
    for (let s = 0; s < sites; s++) {
      const site = `site-${setupRng.hex(8)}`;
      const placements = setupRng.intBetween(1, 4);
      for (let k = 0; k < placements; k++) {
        openWeb.push([{ publisher, site, placement: `plc-${setupRng.hex(8)}` }, popularity / sites / placements]);
      }
    }
  }
  const openWebTotal = openWeb.reduce((s, [, w]) => s + w, 0);

  // --- campaigns
  const usedIds = new Set<string>();
  const uniqueId = (digits: number): string => {
    for (;;) {
      const id = setupRng.digits(digits);
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  const platformTable = weightedTable(PLATFORMS.map((p) => [p, p.share] as const));
  const objectiveTable = weightedTable(OBJECTIVES);
  const advertiserCount = Math.max(1, Math.ceil(campaignCount / 6));
  const advertisers = Array.from({ length: advertiserCount }, (_, i) => `adv-${String(i + 1).padStart(4, '0')}`);

  const campaignModels: CampaignModel[] = [];
  for (let i = 0; i < campaignCount; i++) {
    const spec = setupRng.weighted(platformTable);
    const pricing: Pricing = setupRng.chance(spec.cpcShare) ? 'cpc' : 'cpm';
    const objective = setupRng.weighted(objectiveTable);
    const bidCpm = Math.round(clamp(setupRng.logNormal(spec.cpmMedian, 0.4), 0.2, 200) * 100) / 100;
    const maxCpc = Math.round(clamp(setupRng.logNormal(spec.cpcMedian, 0.35), 0.05, 50) * 100) / 100;
    const winRate = setupRng.range(0.2, 0.4);
    const ctr = setupRng.range(0.01, 0.03);
    const cvr = setupRng.range(0.02, 0.1);
    // Zipf-like: a few big campaigns, a long tail of small ones.
    const weight = (1 / Math.pow(i + 1, 0.8)) * setupRng.range(0.5, 1.5);

    let targets: CountryModel[] = [];
    if (!setupRng.chance(0.35)) {
      const k = setupRng.intBetween(1, 4);
      const picked = new Set<CountryModel>();
      for (let t = 0; t < 20 && picked.size < k; t++) picked.add(setupRng.weighted(worldwide));
      targets = [...picked];
    }
    const countryWeights = targets.length === 0 ? worldwide : weightedTable(targets.map((c) => [c, c.share] as const));

    const adGroups: AdGroupInfo[] = [];
    const ads: AdModel[] = [];
    const adWeights: number[] = [];
    const groupCount = setupRng.intBetween(2, 5);
    for (let g = 0; g < groupCount; g++) {
      const adGroupId = uniqueId(spec.idDigits);
      const groupAds: AdInfo[] = [];
      const adCount = setupRng.intBetween(1, 4);
      for (let a = 0; a < adCount; a++) {
        const adId = uniqueId(spec.idDigits);
        const creatives = Array.from({ length: setupRng.intBetween(1, 3) }, () => uniqueId(spec.idDigits));
        groupAds.push({ ad_id: adId, creative_ids: creatives });
        ads.push({ adGroup: adGroupId, ad: adId, creatives, appeal: setupRng.range(0.8, 1.2) });
        adWeights.push(setupRng.range(0.3, 1));
      }
      adGroups.push({ ad_group_id: adGroupId, ads: groupAds });
    }

    const ownTotal = spec.properties.reduce((sum, p) => sum + p.weight, 0);
    const inventory: Array<readonly [Placement, number]> = [];
    for (const p of spec.properties) {
      for (const pl of p.placements) {
        const w = (p.weight / ownTotal / p.placements.length) * (1 - spec.openWeb);
        inventory.push([{ publisher: p.publisher, site: p.site, placement: `${p.site}_${pl}` }, w]);
      }
    }
    if (spec.openWeb > 0) {
      for (const [pl, w] of openWeb) inventory.push([pl, (w / openWebTotal) * spec.openWeb]);
    }

    const info: CampaignInfo = {
      campaign_id: uniqueId(spec.idDigits),
      advertiser: advertisers[setupRng.int(advertiserCount)]!,
      platform: spec.name,
      pricing,
      objective,
      bidCpm,
      maxCpc,
      winRate,
      ctr,
      cvr,
      weight,
      countries: targets.map((c) => c.code),
      adGroups,
    };
    campaignModels.push({
      info,
      countries: countryWeights,
      devices: weightedTable(spec.devices),
      inventory: weightedTable(inventory),
      ads,
      adChoice: weightedTable(ads.map((_, idx) => [idx, adWeights[idx]!] as const)),
    });
  }
  const campaignTable = weightedTable(campaignModels.map((c, idx) => [idx, c.info.weight] as const));

  // --- users: stateless, derived from (country, device, index)
  const deviceShare: Record<Device, number> = { mobile: 0.58, desktop: 0.3, tablet: 0.06, ctv: 0.04, other: 0.02 };
  const osTables = Object.fromEntries(DEVICES.map((d) => [d, weightedTable(OS_BY_DEVICE[d])])) as Record<Device, WeightedTable<string>>;
  const browserTables: Record<string, WeightedTable<string>> = Object.fromEntries(
    Object.entries(BROWSER_BY_OS).map(([os, entries]) => [os, weightedTable(entries)]),
  );
  const totalShare = countries.reduce((s, c) => s + c.share, 0);

  const userAt = (country: CountryModel, device: Device, index: number): User => {
    const h1 = hash32(seed, TAG_USER, country.code, device, index);
    const h2 = hash32(h1, TAG_USER_ID);
    const r = createRng(h1);
    const os = r.weighted(osTables[device]);
    const bt = browserTables[os];
    const browser = bt ? r.weighted(bt) : undefined;
    const city = country.cities.length > 0 ? country.cities[r.int(country.cities.length)] : undefined;
    return {
      id: hex32(h1) + hex32(h2),
      hash: h1,
      device,
      os,
      browser,
      country: country.code,
      region: city?.[0],
      city: city?.[1],
    };
  };

  const pickUser = (c: CampaignModel): User => {
    const country = chainRng.weighted(c.countries);
    const device = chainRng.weighted(c.devices);
    // Population of this (country, device) cell: ~2M users worldwide in all.
    const population = Math.max(100, Math.round((2_000_000 * country.share * deviceShare[device]) / totalShare));
    // Skewed towards low indexes: a few heavy users, a long tail of rare ones.
    const index = Math.floor(population * Math.pow(chainRng.next(), 2));
    return userAt(country, device, index);
  };

  const sessionOf = (user: User, t: number): string => {
    const bucket = Math.floor((t + (user.hash % SESSION_MS)) / SESSION_MS);
    const a = hash32(user.hash, TAG_SESSION, bucket);
    return hex32(a) + hex32(hash32(a, TAG_SESSION_ID));
  };

  // --- state
  const heap = new EventHeap();
  const dupBuckets = new Map<number, WireEvent[]>();
  let dupPending = 0;
  let seq = 0;
  let batchNo = 0;
  let virtualNow = startTime;
  const virtualStep = 1000 / virtualRate;
  const clock = options.clock ?? (() => Math.floor(virtualNow));

  const distinct = emptyCounts();
  let distinctTotal = 0;
  let duplicates = 0;
  let late = 0;
  let costMicros = 0;
  let revenueMicros = 0;
  const byCampaign: Record<string, CampaignTruth> = {};
  for (const c of campaignModels) {
    byCampaign[c.info.campaign_id] = { ...emptyCounts(), costMicros: 0, revenueMicros: 0 };
  }

  const iso = isoFormatter();
  const eventId = (ts: number): string => uuidv7({ msecs: ts, random: idRng.bytes(16) });

  /** Generate one auction's whole funnel chain and schedule its events. */
  const generateChain = (now: number): void => {
    const ci = chainRng.weighted(campaignTable);
    const c = campaignModels[ci]!;
    const info = c.info;
    const ad = c.ads[chainRng.weighted(c.adChoice)]!;
    const creative = ad.creatives[chainRng.int(ad.creatives.length)]!;
    const inv = chainRng.weighted(c.inventory);
    const user = pickUser(c);

    // Offsets relative to the bid, in ms.
    const bidMicros = microsOf((info.bidCpm / 1000) * chainRng.range(0.7, 1.3));
    const won = chainRng.chance(info.winRate);
    const winAt = chainRng.intBetween(5, 120);
    const winMicros = Math.max(1, Math.round(bidMicros * chainRng.range(0.45, 0.95)));
    const shown = won && chainRng.chance(IMPRESSION_RATE);
    const impAt = winAt + chainRng.intBetween(30, 1500);
    const clicked = shown && chainRng.chance(clamp(info.ctr * ad.appeal, 0.01, 0.03));
    const clickAt = impAt + Math.round(clamp(chainRng.logNormal(4000, 1), 300, 120_000));
    const clickMicros = microsOf(info.maxCpc * chainRng.range(0.6, 1));
    const converted = clicked && chainRng.chance(info.cvr);
    const convAt = clickAt + Math.round(clamp(chainRng.logNormal(90_000, 1.2), 2000, 1_800_000));
    const revMicros = microsOf(revenueOf(info.objective, chainRng));
    const span = converted ? convAt : clicked ? clickAt : shown ? impAt : won ? winAt : 0;

    const isLate = lateFraction > 0 && chainRng.chance(lateFraction);
    // A late chain finished (entirely) minutes to hours ago.
    const t0 = isLate ? Math.floor(now - span - chainRng.logUniform(2 * 60_000, 6 * 3_600_000)) : now;

    const session = sessionOf(user, t0);
    // Fields shared by every event of the chain, in wire order after event_id/type/ts.
    const common: Omit<WireEvent, 'event_id' | 'type' | 'ts'> = {
      campaign_id: info.campaign_id,
      ad_group_id: ad.adGroup,
      ad_id: ad.ad,
      creative_id: creative,
      platform: info.platform,
      publisher_id: inv.publisher,
      site_id: inv.site,
      placement_id: inv.placement,
      user_id: user.id,
      session_id: session,
      device: user.device,
      os: user.os,
    };
    if (user.browser !== undefined) common.browser = user.browser;
    common.country = user.country;
    if (user.region !== undefined) common.region = user.region;
    if (user.city !== undefined) common.city = user.city;
    const base = (type: EventType, ts: number): WireEvent => ({
      event_id: eventId(ts),
      type,
      ts: iso(ts),
      ...common,
    });
    const schedule = (event: WireEvent, ts: number, cost: number, revenue: number): void => {
      heap.push({ ts, seq: seq++, late: isLate, event, costMicros: cost, revenueMicros: revenue });
    };

    const bid = base('bid', t0);
    bid.bid_price = toMoney(bidMicros);
    bid.currency = currency;
    schedule(bid, t0, 0, 0);
    if (!won) return;

    const win = base('win', t0 + winAt);
    win.bid_price = toMoney(bidMicros);
    win.win_price = toMoney(winMicros);
    win.currency = currency;
    schedule(win, t0 + winAt, 0, 0);
    if (!shown) return;

    const imp = base('impression', t0 + impAt);
    const impCost = info.pricing === 'cpm' ? winMicros : 0;
    if (info.pricing === 'cpm') imp.cost = toMoney(impCost);
    imp.currency = currency;
    schedule(imp, t0 + impAt, impCost, 0);
    if (!clicked) return;

    const click = base('click', t0 + clickAt);
    const clickCost = info.pricing === 'cpc' ? clickMicros : 0;
    if (info.pricing === 'cpc') click.cost = toMoney(clickCost);
    click.currency = currency;
    schedule(click, t0 + clickAt, clickCost, 0);
    if (!converted) return;

    const conv = base('conversion', t0 + convAt);
    conv.revenue = toMoney(revMicros);
    conv.currency = currency;
    conv.click_id = click.event_id;
    conv.metadata = { conversion_type: info.objective };
    schedule(conv, t0 + convAt, 0, revMicros);
  };

  const record = (s: Scheduled): void => {
    const type = s.event.type;
    distinct[type]++;
    distinctTotal++;
    if (s.late) late++;
    costMicros += s.costMicros;
    revenueMicros += s.revenueMicros;
    const truth = byCampaign[s.event.campaign_id]!;
    truth[type]++;
    truth.costMicros += s.costMicros;
    truth.revenueMicros += s.revenueMicros;
  };

  const maybeDuplicate = (e: WireEvent): void => {
    if (duplicateFraction > 0 && dupRng.chance(duplicateFraction)) {
      const due = batchNo + dupRng.int(4); // this batch or up to 3 later
      let bucket = dupBuckets.get(due);
      if (!bucket) dupBuckets.set(due, (bucket = []));
      bucket.push(copyEvent(e));
      dupPending++;
    }
  };

  /** The next fresh event whose ts has come (generating auctions as needed). */
  const nextFresh = (): Scheduled => {
    for (;;) {
      const now = clock();
      const top = heap.peek();
      if (top && top.ts <= now) {
        heap.pop();
        if (!options.clock) virtualNow += virtualStep;
        return top;
      }
      generateChain(now);
    }
  };

  const nextBatch = (size: number): WireEvent[] => {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`batch size must be a non-negative integer, got ${size}`);
    batchNo++;
    const out: WireEvent[] = [];
    while (out.length < size) {
      const bucket = dupBuckets.get(batchNo);
      if (bucket && bucket.length > 0) {
        out.push(bucket.shift()!);
        dupPending--;
        duplicates++;
        continue;
      }
      const s = nextFresh();
      record(s);
      out.push(s.event);
      maybeDuplicate(s.event);
    }
    // Duplicates that did not fit move on to the next batch.
    const left = dupBuckets.get(batchNo);
    dupBuckets.delete(batchNo);
    if (left && left.length > 0) {
      const next = dupBuckets.get(batchNo + 1) ?? [];
      dupBuckets.set(batchNo + 1, left.concat(next));
    }
    return out;
  };

  const drain = (): WireEvent[] => {
    const out: WireEvent[] = [];
    for (let s = heap.pop(); s; s = heap.pop()) {
      record(s);
      out.push(s.event);
      if (!options.clock) virtualNow = Math.max(virtualNow, s.ts);
    }
    for (const key of [...dupBuckets.keys()].sort((a, b) => a - b)) {
      for (const e of dupBuckets.get(key)!) {
        out.push(e);
        duplicates++;
      }
    }
    dupBuckets.clear();
    dupPending = 0;
    return out;
  };

  const stats = (): TrafficStats => ({
    distinct: { ...distinct },
    distinctTotal,
    duplicates,
    late,
    emitted: distinctTotal + duplicates,
    batches: batchNo,
    pending: heap.size + dupPending,
    costMicros,
    revenueMicros,
    byCampaign: Object.fromEntries(Object.entries(byCampaign).map(([k, v]) => [k, { ...v }])),
  });

  return {
    campaigns: campaignModels.map((c) => c.info),
    options: {
      seed,
      campaigns: campaignCount,
      lateFraction,
      duplicateFraction,
      currency,
      startTime,
      virtualRate,
      virtualClock: !options.clock,
    },
    nextBatch,
    drain,
    stats,
  };
}
