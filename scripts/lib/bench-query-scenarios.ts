// The requests the query benchmark sends: one scenario per endpoint and
// parameter shape, each drawing realistic parameters (a tenant, one of its
// campaigns, a time window ending somewhere in the data set's last days, a
// sort key, a dimension) from a seeded random stream. Pure: the HTTP side is
// in bench-query-load.ts.
import { SQL_PROFILE_SETTINGS } from './clickhouse-users.ts';
import type { Rng } from './random.ts';

export interface CampaignInfo {
  id: string;
  events: number;
  /** Platforms the campaign ran on, most traffic first. */
  platforms: readonly string[];
}

export interface BenchTenant {
  id: string;
  /** Bearer key with the query scope. */
  key: string;
  /** Most events first. */
  campaigns: readonly CampaignInfo[];
}

export interface BenchContext {
  tenants: readonly BenchTenant[];
  /** Exclusive end of the data, epoch ms: windows end at or before it. */
  endMs: number;
}

export interface BenchRequest {
  method: 'GET' | 'POST';
  /** Path and query string. */
  path: string;
  body?: string;
  key: string;
}

export interface Scenario {
  name: string;
  /** The route, for grouping: e.g. GET /v1/breakdown. */
  endpoint: string;
  /** The latency goal the 95th percentile is held against, when there is one. */
  p95TargetMs?: number;
  /** Requests in flight at most, whatever --concurrency asks for. */
  maxConcurrency?: number;
  build(rng: Rng, ctx: BenchContext): BenchRequest;
}

export const INSIGHTS_P95_TARGET_MS = 50;
export const BREAKDOWN_P95_TARGET_MS = 100;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const BREAKDOWN_DIMENSIONS = ['platform', 'device', 'country', 'ad', 'creative', 'publisher'] as const;
export const SORT_KEYS = ['spend', 'impressions', 'clicks', 'conversions', 'revenue', 'ctr', 'cvr', 'cpa', 'roas'] as const;
/** Share of requests about one of a tenant's biggest campaigns: dashboards look at those most. */
const TOP_CAMPAIGN_SHARE = 0.5;
const TOP_CAMPAIGNS = 20;

function pickTenant(rng: Rng, ctx: BenchContext): BenchTenant {
  const withCampaigns = ctx.tenants.filter((t) => t.campaigns.length > 0);
  if (withCampaigns.length === 0) throw new Error('the data set has no campaigns');
  return rng.pick(withCampaigns);
}

function pickCampaign(rng: Rng, tenant: BenchTenant): CampaignInfo {
  const pool = rng.chance(TOP_CAMPAIGN_SHARE) ? tenant.campaigns.slice(0, TOP_CAMPAIGNS) : tenant.campaigns;
  return rng.pick(pool);
}

/**
 * A window of `spanMs` ending on a whole minute up to `maxShiftMs` before the
 * data's end, so repeated requests are not identical (no cache can answer
 * them all) and all fall inside the data.
 */
export function pickWindow(rng: Rng, ctx: BenchContext, spanMs: number, maxShiftMs: number): { from: string; to: string } {
  const lastMinute = Math.floor(ctx.endMs / MINUTE) * MINUTE;
  const to = lastMinute - rng.int(Math.floor(maxShiftMs / MINUTE) + 1) * MINUTE;
  return { from: new Date(to - spanMs).toISOString(), to: new Date(to).toISOString() };
}

const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

function insights(name: string, spanMs: number, granularity: 'minute' | 'hour' | 'day', opts: { platform?: boolean; target?: number } = {}): Scenario {
  return {
    name,
    endpoint: 'GET /v1/campaigns/{id}/insights',
    p95TargetMs: opts.target,
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const campaign = pickCampaign(rng, tenant);
      const params: Record<string, string> = { ...pickWindow(rng, ctx, spanMs, 2 * DAY), granularity };
      if (opts.platform && campaign.platforms.length > 0) params.platform = rng.pick(campaign.platforms);
      return { method: 'GET', path: `/v1/campaigns/${encodeURIComponent(campaign.id)}/insights?${query(params)}`, key: tenant.key };
    },
  };
}

function breakdown(dimension: (typeof BREAKDOWN_DIMENSIONS)[number], perCampaign: boolean): Scenario {
  return {
    name: `breakdown ${dimension} 30d${perCampaign ? ' campaign' : ''}`,
    endpoint: 'GET /v1/breakdown',
    p95TargetMs: BREAKDOWN_P95_TARGET_MS,
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const params: Record<string, string | number> = { dimension, ...pickWindow(rng, ctx, 30 * DAY, 2 * DAY) };
      if (perCampaign) params.campaign_id = pickCampaign(rng, tenant).id;
      return { method: 'GET', path: `/v1/breakdown?${query(params)}`, key: tenant.key };
    },
  };
}

/**
 * The SQL user's profile admits this many queries at once and answers 429
 * beyond; more clients would measure that refusal, not the endpoint.
 */
const SQL_CONCURRENCY = SQL_PROFILE_SETTINGS.max_concurrent_queries_for_user;

/** ClickHouse DateTime literal text (UTC server) of an RFC 3339 instant. */
const sqlTime = (iso: string) => `'${iso.slice(0, 19).replace('T', ' ')}'`;

export const SCENARIOS: readonly Scenario[] = [
  insights('insights 30d hour', 30 * DAY, 'hour', { target: INSIGHTS_P95_TARGET_MS }),
  insights('insights 30d day', 30 * DAY, 'day', { target: INSIGHTS_P95_TARGET_MS }),
  insights('insights 30d day platform', 30 * DAY, 'day', { platform: true, target: INSIGHTS_P95_TARGET_MS }),
  insights('insights 1d minute', DAY, 'minute'),
  {
    name: 'campaigns 30d ranking',
    endpoint: 'GET /v1/campaigns',
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const params = {
        ...pickWindow(rng, ctx, 30 * DAY, 2 * DAY),
        sort: rng.pick(SORT_KEYS),
        order: rng.chance(0.8) ? 'desc' : 'asc',
        limit: rng.pick([10, 50, 50, 50, 200]),
      };
      return { method: 'GET', path: `/v1/campaigns?${query(params)}`, key: tenant.key };
    },
  },
  ...BREAKDOWN_DIMENSIONS.flatMap((d) => [breakdown(d, false), breakdown(d, true)]),
  {
    name: 'funnel 7d',
    endpoint: 'GET /v1/funnel',
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const params = { campaign_id: pickCampaign(rng, tenant).id, ...pickWindow(rng, ctx, 7 * DAY, 2 * DAY) };
      return { method: 'GET', path: `/v1/funnel?${query(params)}`, key: tenant.key };
    },
  },
  {
    name: 'events latest',
    endpoint: 'GET /v1/events/latest',
    build: (rng, ctx) => ({ method: 'GET', path: `/v1/events/latest?${query({ limit: 50 })}`, key: pickTenant(rng, ctx).key }),
  },
  {
    name: 'events latest campaign',
    endpoint: 'GET /v1/events/latest',
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      return { method: 'GET', path: `/v1/events/latest?${query({ campaign_id: pickCampaign(rng, tenant).id, limit: 100 })}`, key: tenant.key };
    },
  },
  {
    name: 'sql events 7d',
    endpoint: 'POST /v1/sql',
    maxConcurrency: SQL_CONCURRENCY,
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const { from, to } = pickWindow(rng, ctx, 7 * DAY, 2 * DAY);
      const dimension = rng.pick(['platform', 'country', 'device']);
      const sql =
        `SELECT ${dimension}, countIf(type = 'impression') AS impressions, countIf(type = 'click') AS clicks, sum(cost) AS spend ` +
        `FROM events WHERE ts >= ${sqlTime(from)} AND ts < ${sqlTime(to)} GROUP BY ${dimension} ORDER BY spend DESC LIMIT 20`;
      return { method: 'POST', path: '/v1/sql', body: JSON.stringify({ sql }), key: tenant.key };
    },
  },
  {
    name: 'sql campaign_day 30d',
    endpoint: 'POST /v1/sql',
    maxConcurrency: SQL_CONCURRENCY,
    build: (rng, ctx) => {
      const tenant = pickTenant(rng, ctx);
      const { from, to } = pickWindow(rng, ctx, 30 * DAY, 2 * DAY);
      // Aliases differ from the view's column names: 18.16 would substitute an alias like `spend` into sum(spend) itself.
      const sql =
        'SELECT campaign_id, sum(impressions) AS total_impressions, sum(clicks) AS total_clicks, sum(spend) AS total_spend, sum(revenue) AS total_revenue ' +
        `FROM campaign_day WHERE day >= toDate(${sqlTime(from)}) AND day < toDate(${sqlTime(to)}) GROUP BY campaign_id ORDER BY total_spend DESC LIMIT 20`;
      return { method: 'POST', path: '/v1/sql', body: JSON.stringify({ sql }), key: tenant.key };
    },
  },
];

/** The scenarios whose name matches `only` (a case-insensitive regular expression), all without it. */
export function selectScenarios(only: string | undefined): Scenario[] {
  if (only === undefined) return [...SCENARIOS];
  const re = new RegExp(only, 'i');
  return SCENARIOS.filter((s) => re.test(s.name));
}
