// The synthetic advertising data set of the query benchmark, as SQL that
// ClickHouse runs itself: `INSERT INTO events SELECT … FROM numbers(…)`, so
// 50M rows load in minutes and the materialized views fill the rollups exactly
// as the processor's inserts do.
//
// Every value is a deterministic function of the auction number and the plan
// (no rand()), so a plan always yields the same rows. One auction is one ad
// opportunity of one campaign and expands (arrayJoin) into its funnel chain:
//   programmatic buys (thetradedesk, dv360): bid → win → impression → click → conversion
//   walled gardens (google, meta, …):               impression → click → conversion
// each step present only when the previous one happened (win rate, 96 % of wins
// render, campaign CTR and CVR), so impressions ≫ clicks ≫ conversions and a
// conversion's click_id is the event_id of the click in its own chain.
// Shape: several tenants of unequal size; hundreds of campaigns per tenant with
// Zipf-like volume (rank = ⌊(C+1)^u⌋ − 1, i.e. P(rank) ∝ ~1/(rank+1)); ad
// groups, ads and creatives per campaign; walled-garden properties or open-web
// publishers (Zipf again); a skewed user population per tenant (some users
// return often) with stable device, os, browser and geography; a weekly and a
// diurnal cycle over `days` days ending at `endSec`.
import { EVENT_COLUMNS } from '../../services/shared/src/event-row.ts';
import { sqlString } from '../../services/shared/src/sql.ts';
import { quantileTable } from './quantile-table.ts';

export interface TenantShape {
  id: string;
  weight: number;
  currency: string;
}

export const TENANTS: readonly TenantShape[] = [
  { id: 'acme', weight: 34, currency: 'USD' },
  { id: 'globex', weight: 24, currency: 'USD' },
  { id: 'initech', weight: 18, currency: 'EUR' },
  { id: 'umbrella', weight: 14, currency: 'GBP' },
  { id: 'hooli', weight: 10, currency: 'USD' },
];

interface PlatformShape {
  name: string;
  weight: number;
  /** Bought through an exchange: bids and wins exist, inventory is the open web. */
  programmatic: boolean;
  /** The platform's own properties (site_id), each with its placements; programmatic buys use open-web publishers instead. */
  sites: ReadonlyArray<readonly [site: string, placements: readonly string[]]>;
}

const OPEN_WEB_PLACEMENTS = ['banner_300x250', 'banner_728x90', 'native', 'video_preroll', 'interstitial'];

export const PLATFORMS: readonly PlatformShape[] = [
  { name: 'google', weight: 28, programmatic: false, sites: [['google_search', ['search_top', 'search_bottom', 'shopping']], ['youtube', ['instream', 'infeed', 'shorts']], ['gmail', ['promotions_tab']]] },
  { name: 'meta', weight: 28, programmatic: false, sites: [['facebook', ['feed', 'stories', 'reels', 'marketplace']], ['instagram', ['feed', 'stories', 'reels', 'explore']], ['audience_network', ['native', 'rewarded_video']]] },
  { name: 'tiktok', weight: 12, programmatic: false, sites: [['tiktok', ['for_you', 'search']], ['pangle', ['rewarded_video', 'interstitial']]] },
  { name: 'amazon', weight: 7, programmatic: false, sites: [['amazon', ['search_results', 'product_detail']], ['prime_video', ['instream']]] },
  { name: 'linkedin', weight: 5, programmatic: false, sites: [['linkedin', ['feed', 'right_rail', 'messaging']]] },
  { name: 'microsoft', weight: 5, programmatic: false, sites: [['bing', ['search_top', 'search_sidebar']], ['msn', ['native']]] },
  { name: 'snapchat', weight: 3, programmatic: false, sites: [['snapchat', ['stories', 'spotlight', 'discover']]] },
  { name: 'pinterest', weight: 2, programmatic: false, sites: [['pinterest', ['home_feed', 'search', 'related_pins']]] },
  { name: 'thetradedesk', weight: 7, programmatic: true, sites: [['open_web', OPEN_WEB_PLACEMENTS]] },
  { name: 'dv360', weight: 4, programmatic: true, sites: [['open_web', OPEN_WEB_PLACEMENTS]] },
];

const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 30], ['GB', 8], ['DE', 8], ['IN', 7], ['FR', 6], ['BR', 6], ['JP', 5], ['CA', 4], ['ID', 3], ['AU', 3],
  ['ES', 3], ['IT', 3], ['MX', 3], ['KR', 2], ['NL', 2], ['PL', 2], ['TR', 2], ['SE', 1], ['ZA', 1], ['AR', 1],
];

export const DEVICE_NAMES = ['mobile', 'desktop', 'tablet', 'ctv', 'other'] as const;
const DEVICE_WEIGHTS = [58, 30, 7, 4, 1];

/** Relative traffic per UTC hour of day: quiet at night, a peak in the evening. */
const HOUR_WEIGHTS = [40, 30, 24, 20, 20, 24, 34, 48, 62, 72, 78, 82, 86, 88, 88, 90, 94, 100, 108, 112, 106, 90, 70, 52];
/** Weekends (Saturday, Sunday) carry less traffic than weekdays. */
const WEEKEND_FACTOR = 0.8;
/** Volume grows over the period (campaign launches, seasonality). */
const GROWTH_OVER_PERIOD = 0.3;

const LOOKUP_SIZE = 1024;
const EVENT_TYPE_BY_STEP = ['bid', 'win', 'impression', 'click', 'conversion'] as const;

/** What the rows are a function of. */
export interface DatasetPlan {
  seed: number;
  /** Whole 24-hour periods ending at endSec. */
  days: number;
  /** Exclusive end, epoch seconds. */
  endSec: number;
  campaignsPerTenant: number;
  /** Users per unit of tenant weight; the population each tenant's traffic is spread over. */
  usersPerWeight: number;
  /** Auctions the period is spread over; auction numbers at or past it fall into the last second. */
  auctions: number;
}

const strArray = (values: readonly string[]) => `[${values.map(sqlString).join(', ')}]`;
const numArray = (values: readonly number[]) => `[${values.join(',')}]`;
type NestedStrings = string | readonly NestedStrings[];
/** A literal array of arrays (of arrays…) of strings. */
const nestedStrArray = (values: readonly NestedStrings[]): string => `[${values.map((v) => (typeof v === 'string' ? sqlString(v) : nestedStrArray(v))).join(', ')}]`;
/** `width` bits of the UInt64 `h` starting at bit `shift`. */
const bits = (h: string, shift: number, width: number) => `bitAnd(bitShiftRight(${h}, ${shift}), ${2 ** width - 1})`;
/** A uniform number in [0, 1) from 16 bits of `h`. */
const frac16 = (h: string, shift: number) => `(${bits(h, shift, 16)} / 65536)`;
/** Element of a LOOKUP_SIZE-long table chosen by 10 bits of `h` (0-based result). */
const lookup = (table: readonly number[], h: string, shift: number) => `${numArray(table)}[1 + ${bits(h, shift, 10)}]`;

/** Weight of each 24-hour period of the plan: weekday/weekend and a growth trend. */
export function dayWeights(plan: Pick<DatasetPlan, 'days' | 'endSec'>): number[] {
  const start = plan.endSec - plan.days * 86_400;
  return Array.from({ length: plan.days }, (_, d) => {
    const weekday = new Date((start + d * 86_400 + 43_200) * 1000).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1;
    return weekend * (1 + (GROWTH_OVER_PERIOD * d) / Math.max(1, plan.days - 1));
  });
}

/**
 * A UUID (version 7 layout) as text: the event's time in ms up front, as the
 * ingest service assigns them, and the unique event number in the last 60 bits,
 * so no two events share an id.
 */
function uuidSql(eventNumber: string, tsSec: string, seed: number): string {
  const mix = `intHash64(${eventNumber} + ${seed})`;
  const msHex = `lower(hex(toUInt64(${tsSec}) * 1000 + ${mix} % 1000))`;
  const randA = `substring(lower(hex(toUInt16(${bits(mix, 10, 12)} + 4096))), 2, 3)`;
  const numHex = `substring(lower(hex(toUInt64(${eventNumber}) + 1152921504606846976)), 2, 15)`;
  return `concat(substring(${msHex}, 1, 8), '-', substring(${msHex}, 9, 4), '-7', ${randA}, '-', ['8', '9', 'a', 'b'][1 + ${bits(mix, 30, 2)}], substring(${numHex}, 1, 3), '-', substring(${numHex}, 4, 12))`;
}

/**
 * One row per auction in [first, first + count) with everything its events
 * share, plus `start_step`/`end_step`: the part of the funnel it reached.
 * Five 64-bit hashes of the auction number feed the draws; each draw reads its
 * own bits, so draws are independent.
 */
export function auctionsSql(plan: DatasetPlan, first: number, count: number): string {
  const { seed } = plan;
  const startSec = plan.endSec - plan.days * 86_400;
  const startHour = new Date(startSec * 1000).getUTCHours();
  const last = plan.endSec - 1;
  const C = plan.campaignsPerTenant;
  const tenantTable = quantileTable(TENANTS.map((t) => t.weight), LOOKUP_SIZE);
  const platformTable = quantileTable(PLATFORMS.map((p) => p.weight), LOOKUP_SIZE);
  const dayTable = quantileTable(dayWeights(plan), LOOKUP_SIZE);
  const hourTable = quantileTable(HOUR_WEIGHTS, LOOKUP_SIZE);
  const countryTable = quantileTable(COUNTRIES.map(([, w]) => w), LOOKUP_SIZE);
  const deviceTable = quantileTable(DEVICE_WEIGHTS, LOOKUP_SIZE);
  const programmatic = PLATFORMS.flatMap((p, i) => (p.programmatic ? [i] : []));
  return `SELECT
      number AS a,
      cityHash64(number, ${seed}) AS h1,
      cityHash64(number, ${seed + 1}) AS h2,
      cityHash64(number, ${seed + 2}) AS h3,
      cityHash64(number, ${seed + 3}) AS h4,
      cityHash64(number, ${seed + 4}) AS h5,
      ${lookup(tenantTable, 'h1', 0)} AS tenant,
      ${strArray(TENANTS.map((t) => t.id))}[tenant + 1] AS tenant_id,
      ${strArray(TENANTS.map((t) => t.currency))}[tenant + 1] AS currency,
      toUInt32(floor(pow(${C + 1}, ${frac16('h1', 10)}))) - 1 AS campaign_rank,
      cityHash64(tenant, campaign_rank, ${seed}) AS hc,
      cityHash64(hc) AS hc2,
      100000000000 + hc % 900000000000 AS campaign_number,
      concat('cmp-', toString(campaign_number)) AS campaign_id,
      ${bits('hc', 10, 4)} < 5 AS cpc_priced,
      ${strArray(['purchase', 'lead', 'install', 'signup'])}[1 + ${bits('hc', 14, 2)}] AS objective,
      0.004 + 0.026 * pow(${frac16('hc', 16)}, 2) AS ctr,
      0.02 + 0.1 * ${frac16('hc', 32)} AS cvr,
      0.15 + 0.3 * ${frac16('hc', 48)} AS win_rate,
      toUInt64(2000 + ${bits('hc2', 0, 14)}) AS cpm_micros_per_impression,
      toUInt64(200000 + 2800000 * ${frac16('hc2', 14)}) AS cpc_micros,
      toUInt64(15000000 + 185000000 * ${frac16('hc2', 30)}) AS order_value_micros,
      1 + ${bits('hc2', 46, 4)} % 5 AS ad_groups,
      1 + ${bits('hc2', 50, 8)} % 4 AS ads_per_group,
      1 + ${bits('hc2', 58, 6)} % 3 AS creatives_per_ad,
      ${bits('h1', 26, 8)} AS platform_draw,
      (${lookup(platformTable, 'hc', 0)} + multiIf(platform_draw < 192, 0, platform_draw < 236, 1, 2)) % ${PLATFORMS.length} AS platform_index,
      ${strArray(PLATFORMS.map((p) => p.name))}[platform_index + 1] AS platform,
      has(${numArray(programmatic)}, platform_index) AS programmatic,
      intDiv(${bits('h1', 34, 16)} * ad_groups, 65536) AS ad_group,
      intDiv(${bits('h1', 50, 8)} * ads_per_group, 256) AS ad,
      ${bits('h1', 58, 6)} % creatives_per_ad AS creative,
      concat(campaign_id, '-ag', toString(ad_group)) AS ad_group_id,
      concat('ad-', toString(campaign_number * 100 + ad_group * 10 + ad)) AS ad_id,
      concat('cr-', toString(campaign_number * 1000 + ad_group * 100 + ad * 10 + creative)) AS creative_id,
      ${nestedStrArray(PLATFORMS.map((p) => p.sites.map(([site]) => site)))}[platform_index + 1] AS platform_sites,
      1 + ${bits('h5', 16, 8)} % length(platform_sites) AS site_position,
      ${nestedStrArray(PLATFORMS.map((p) => p.sites.map(([, placements]) => placements)))}[platform_index + 1][site_position] AS site_placements,
      toUInt32(floor(pow(2001, ${frac16('h5', 0)}))) AS open_web_rank,
      if(programmatic, concat('pub-', toString(open_web_rank)), platform) AS publisher_id,
      if(programmatic, concat('pub-', toString(open_web_rank), '-site', toString(${bits('h5', 16, 8)} % 3)), platform_sites[site_position]) AS site_id,
      concat(site_id, '_', site_placements[1 + ${bits('h5', 24, 4)} % length(site_placements)]) AS placement_id,
      ${numArray(TENANTS.map((t) => t.weight))}[tenant + 1] * ${plan.usersPerWeight} AS users_in_tenant,
      toUInt64(floor(users_in_tenant * pow(${bits('h2', 0, 32)} / 4294967296, 2))) AS user_index,
      intHash64(user_index * 8 + tenant + ${seed}) AS hu,
      concat('u-', toString(10000000000000 + hu % 90000000000000)) AS user_id,
      ${lookup(deviceTable, 'hu', 0)} AS device_index,
      ${strArray(DEVICE_NAMES)}[device_index + 1] AS device,
      ${bits('hu', 10, 8)} AS os_draw,
      multiIf(
        device_index = 0, if(os_draw < 115, 'iOS', 'Android'),
        device_index = 1, multiIf(os_draw < 180, 'Windows', os_draw < 243, 'macOS', 'Linux'),
        device_index = 2, if(os_draw < 154, 'iPadOS', 'Android'),
        device_index = 3, ['tvOS', 'Roku', 'Tizen', 'Android TV'][1 + os_draw % 4],
        'Other') AS os,
      ${bits('hu', 18, 8)} AS browser_draw,
      multiIf(
        device_index >= 3, '',
        os = 'iOS' OR os = 'iPadOS', if(browser_draw < 180, 'Safari', 'Chrome'),
        os = 'Android', if(browser_draw < 205, 'Chrome', 'Samsung Internet'),
        os = 'macOS', if(browser_draw < 128, 'Safari', 'Chrome'),
        multiIf(browser_draw < 170, 'Chrome', browser_draw < 220, 'Edge', 'Firefox')) AS browser,
      ${strArray(COUNTRIES.map(([c]) => c))}[1 + ${lookup(countryTable, 'hu', 26)}] AS country,
      toUInt32(floor(pow(41, ${frac16('hu', 36)}))) AS city_rank,
      concat(country, '-R', toString(city_rank % 7)) AS region,
      concat(country, '-C', toString(city_rank)) AS city,
      ${numArray(dayTable)}[1 + least(intDiv(number * ${LOOKUP_SIZE}, ${plan.auctions}), ${LOOKUP_SIZE - 1})] AS day,
      ${lookup(hourTable, 'h3', 0)} AS hour_of_day,
      toUInt32(least(${startSec} + day * 86400 + ((hour_of_day + ${24 - startHour}) % 24) * 3600 + ${bits('h3', 10, 16)} % 3600, ${last})) AS t_bid,
      toUInt32(least(t_bid + ${bits('h3', 26, 1)}, ${last})) AS t_impression,
      toUInt32(least(t_impression + 2 + ${bits('h3', 27, 7)} % 90, ${last})) AS t_click,
      toUInt32(least(t_click + 30 + toUInt32(7200 * pow(${frac16('h4', 16)}, 2)), ${last})) AS t_conversion,
      concat(user_id, '-s', toString(intDiv(t_bid, 1800))) AS session_id,
      if(${bits('h2', 56, 8)} < 2, 600 + ${bits('h5', 28, 16)} % 21000, ${bits('h5', 44, 2)}) AS delivery_delay,
      toUInt64(cpm_micros_per_impression * (0.6 + 0.4 * ${frac16('h4', 32)})) AS bid_micros,
      toUInt64(bid_micros * (0.5 + 0.45 * ${frac16('h4', 48)})) AS clearing_micros,
      NOT programmatic OR ${frac16('h2', 32)} < win_rate AS won,
      won AND (NOT programmatic OR ${bits('h2', 48, 8)} < 246) AS rendered,
      rendered AND ${frac16('h3', 34)} < ctr AS clicked,
      clicked AND ${frac16('h4', 0)} < cvr AS converted,
      if(programmatic, 0, 2) AS start_step,
      multiIf(converted, 4, clicked, 3, rendered, 2, won, 1, 0) AS end_step
    FROM numbers(${first}, ${count})`;
}

/** Mean events per auction over the first `sample` auctions: how many auctions make a wanted event count. */
export function meanChainLengthSql(plan: DatasetPlan, sample: number): string {
  return `SELECT avg(end_step - start_step + 1) AS mean FROM (${auctionsSql(plan, 0, sample)})`;
}

/** The events of auctions [first, first + count), with the helper columns they are computed from. */
export function eventsSql(plan: DatasetPlan, first: number, count: number): string {
  const eventNumber = (step: string) => `a * 5 + ${step}`;
  return `SELECT
      toUUID(${uuidSql(eventNumber('step'), 'ts_sec', plan.seed)}) AS event_id,
      tenant_id,
      ${strArray(EVENT_TYPE_BY_STEP)}[step + 1] AS type,
      campaign_id,
      [t_bid, t_bid, t_impression, t_click, t_conversion][step + 1] AS ts_sec,
      toDateTime(ts_sec) AS ts,
      toDateTime(least(ts_sec + delivery_delay, ${plan.endSec})) AS received_at,
      ad_group_id, ad_id, creative_id, platform, publisher_id, site_id, placement_id, user_id, session_id,
      device, os, browser, country, region, city,
      if(step <= 1, bid_micros, 0) AS bid_price_micros,
      if(step = 1, clearing_micros, 0) AS win_price_micros,
      intHash64(${eventNumber('step')} + ${plan.seed + 5}) AS he,
      multiIf(
        step = 2 AND programmatic, clearing_micros,
        step = 2 AND NOT cpc_priced, toUInt64(cpm_micros_per_impression * (0.7 + 0.6 * ${frac16('he', 0)})),
        step = 3 AND cpc_priced AND NOT programmatic, toUInt64(cpc_micros * (0.6 + 0.8 * ${frac16('he', 0)})),
        toUInt64(0)) AS cost_micros,
      if(step = 4, toUInt64(order_value_micros * (0.3 + 2.2 * pow(${frac16('he', 16)}, 2))), toUInt64(0)) AS revenue_micros,
      currency,
      if(step = 4, ${uuidSql(eventNumber('3'), 't_click', plan.seed)}, '') AS click_id,
      multiIf(step = 3, ['utm_source', 'utm_medium', 'utm_campaign'], step = 4, ['order_id', 'conversion_type'], emptyArrayString()) AS metadata_keys,
      multiIf(step = 3, [platform, if(cpc_priced, 'cpc', 'cpm'), campaign_id], step = 4, [concat('ord-', lower(hex(he))), objective], emptyArrayString()) AS metadata_values
    FROM (${auctionsSql(plan, first, count)})
    ARRAY JOIN arraySlice([0, 1, 2, 3, 4], start_step + 1, end_step - start_step + 1) AS step`;
}

/**
 * Inserts the events of auctions [first, first + count) into
 * `database`.events, at most `limit` of them (the last chunk stops at the
 * wanted total).
 */
export function insertEventsSql(database: string, plan: DatasetPlan, first: number, count: number, limit?: number): string {
  return `INSERT INTO ${database}.events (${EVENT_COLUMNS.join(', ')})
    SELECT ${EVENT_COLUMNS.join(', ')} FROM (${eventsSql(plan, first, count)})${limit === undefined ? '' : ` LIMIT ${limit}`}`;
}
