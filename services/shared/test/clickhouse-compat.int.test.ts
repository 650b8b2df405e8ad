/**
 * The schema and every query of the project on the CURRENT ClickHouse engine,
 * embedded through chDB (npm `chdb`). The other integration tests run against
 * Debian's ClickHouse 18.16; together they keep both ends of the supported
 * range honest (docs/clickhouse-compatibility.md).
 *
 * Nothing is mocked and nothing is re-typed where it can be read: migrations
 * come from MIGRATIONS, rows from toRowLine, the KPI API's SQL from its
 * builders (services/query/src/queries), and the statements that live inline in migrate.ts and the
 * processor's event store are read out of those files, so a change there is
 * tested here too (or fails loudly when it can no longer be found).
 *
 * chDB must load: a missing or broken native binary fails this file, it never
 * skips it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakdownSql } from '../../query/src/queries/breakdown-query.ts';
import { campaignRankingSql } from '../../query/src/queries/campaigns-query.ts';
import { clickToConversionSql, medianFromRow, type MedianRow } from '../../query/src/queries/funnel-query.ts';
import { insightsSeriesSql, insightsTotalsSql } from '../../query/src/queries/insights-query.ts';
import { eventFromRow, latestEventsSql, type LatestEventRow } from '../../query/src/queries/latest-events-query.ts';
import { tenantStatsSql } from '../../query/src/stats/tenant-stats-sql.ts';
import { JsonCompactReader } from '../../query/src/sql/json-compact-reader.ts';
import { PROFILE_SETTINGS } from '../../query/src/sql/sql-profile.ts';
import { tenantDatabase, tenantViews, viewIsCurrent } from '../../query/src/sql/tenant-views.ts';
import type { WireEvent } from '../src/event-contract.ts';
import type { Totals as KpiTotals } from '../src/kpi.ts';
import { validateEvent } from '../src/event-validation.ts';
import { eventsInsertSql, toRowLine } from '../src/event-row.ts';
import { MIGRATIONS } from '../src/migrations/index.ts';
import { repoRoot } from '../../../scripts/lib/tools.ts';
import { dashboardQueries, loadDashboards } from '../../../scripts/lib/dashboard-queries.ts';
import { expandClickHouseMacros, interpolateVariables } from '../../../scripts/lib/grafana-templating.ts';
import { sqlIdentifier, sqlString, sqlStringList } from '../src/sql.ts';

/** The slice of chDB's API this test uses (chdb lives outside the workspace, see loadChdb). */
interface ChdbSession {
  queryAsync(sql: string, options: { format: string }): Promise<{ text(): string }>;
  insert(options: { table: string; format: string; values: Buffer }): Promise<unknown>;
  close(): void;
}
interface Chdb {
  version(): string;
  Session: new (path: string) => ChdbSession;
}

const DB = 'adstream_compat';
const MIGRATE_TS = new URL('../src/migrate.ts', import.meta.url);
const EVENT_STORE_TS = new URL('../../processor/src/event-store.ts', import.meta.url);
const TENANT_DATABASES_TS = new URL('../../query/src/sql/tenant-databases.ts', import.meta.url);
const SQL_SERVICE_TS = new URL('../../query/src/sql/sql-service.ts', import.meta.url);

// ---------------------------------------------------------------------------
// SQL read from the source files that own it.

/** The template literal in `file` that contains `marker`, with `${...}` placeholders replaced. */
function sourceSql(file: URL, marker: string, placeholders: Record<string, string>): string {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${file.pathname} no longer contains ${JSON.stringify(marker)}: bring clickhouse-compat.int.test.ts up to date`);
  const start = text.lastIndexOf('`', at);
  const end = text.indexOf('`', at);
  let sql = text.slice(start + 1, end);
  for (const [placeholder, value] of Object.entries(placeholders)) sql = sql.replaceAll(placeholder, value);
  if (sql.includes('${')) throw new Error(`unreplaced placeholder in SQL from ${file.pathname}: ${sql}`);
  return sql;
}

function sourceMatch(file: URL, pattern: RegExp): string {
  const m = pattern.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file.pathname} no longer matches ${pattern}: bring clickhouse-compat.int.test.ts up to date`);
  return m[1]!;
}

// ---------------------------------------------------------------------------
// chDB

let chdb: Chdb;
let session: ChdbSession | undefined;
let dataDir: string | undefined;

/**
 * chDB is installed "for this test" by `npm run setup` into the git-ignored
 * .tools/chdb (version pinned in scripts/setup.sh), not into the workspace:
 * its lockfile entries name platform packages npm does not serve, which breaks
 * `npm ci`, and its 500 MB engine is needed by this test alone.
 */
async function loadChdb(): Promise<Chdb> {
  const entry = join(repoRoot(), '.tools', 'chdb', 'node_modules', 'chdb', 'index.mjs');
  try {
    const mod = (await import(pathToFileURL(entry).href)) as Chdb;
    mod.version(); // touches the native binding
    return mod;
  } catch (error) {
    throw new Error(
      `chDB could not be loaded from ${entry}, so the current-engine compatibility test cannot run: run \`npm run setup\`. ` +
        `Cause: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

async function run(sql: string, format = 'TabSeparated'): Promise<string> {
  try {
    return (await session!.queryAsync(sql, { format })).text();
  } catch (error) {
    throw new Error(`current ClickHouse (chDB) refused:\n${sql}\n→ ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function rows<T>(sql: string): Promise<T[]> {
  const text = await run(sql, 'JSONEachRow');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

/** What the HTTP client does for an INSERT with a body: the statement, then the data. */
async function insertRaw(table: string, format: 'JSONEachRow' | 'TabSeparated', lines: readonly string[]): Promise<void> {
  try {
    await session!.insert({ table, format, values: Buffer.from(lines.map((l) => `${l}\n`).join('')) });
  } catch (error) {
    throw new Error(`current ClickHouse (chDB) refused INSERT INTO ${table} FORMAT ${format}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** TabSeparated output as fields: ClickHouse escapes \\, tab, newline and also ' (18.16 and current alike). */
function tsvRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map((f) => f.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c))));
}

const byPair = (a: string[], b: string[]) => (a.join('\t') < b.join('\t') ? -1 : a.join('\t') > b.join('\t') ? 1 : 0);

async function count(table: string, where = '1'): Promise<number> {
  return Number((await run(`SELECT count() FROM ${DB}.${table} WHERE ${where}`)).trim());
}

/** migrate.ts's algorithm over chDB: the same statements in the same order. */
async function migrateOnChdb(database: string): Promise<{ applied: number[]; alreadyApplied: number[] }> {
  const db = sqlIdentifier(database);
  const placeholders = { '${db}': db };
  await run(sourceSql(MIGRATE_TS, 'CREATE DATABASE', placeholders));
  await run(sourceSql(MIGRATE_TS, '.schema_migrations (', placeholders));
  const done = await rows<{ version: number | string }>(sourceSql(MIGRATE_TS, 'SELECT DISTINCT version', placeholders));
  const seen = new Set(done.map((r) => Number(r.version)));
  const result = { applied: [] as number[], alreadyApplied: [] as number[] };
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (seen.has(m.version)) {
      result.alreadyApplied.push(m.version);
      continue;
    }
    for (const statement of m.statements(db)) await run(statement);
    await insertRaw(`${db}.schema_migrations`, 'JSONEachRow', [JSON.stringify({ version: m.version, name: m.name, applied_at: Math.floor(Date.now() / 1000) })]);
    result.applied.push(m.version);
  }
  return result;
}

// ---------------------------------------------------------------------------
// Events: every optional field is used at least once, values go through the
// real ingest validation (money to micros, case folding) and toRowLine.

const ACME = 'acme';
const ONEIL = "o'neil \\ co"; // quote and backslash: exercises sqlString and TSV escaping
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
// Events sit in the middle of an hour and the query range spans hours on both
// sides, so the hour buckets land inside it whatever the engine's time zone.
const T0 = Date.UTC(2025, 0, 15, 10, 15, 0);
const RANGE = { fromMs: T0 - 3 * HOUR_MS, toMs: T0 + 3 * HOUR_MS };
const NOW = T0 + 4 * HOUR_MS;

interface Stored {
  id: string;
  tenant: string;
  event: WireEvent;
  tsMs: number;
  line: string;
}

let seq = 0;
function eventId(): string {
  // UUIDv7-shaped, distinct and time-ordered: the ids ingest assigns look like this.
  seq += 1;
  return `0194686c-${seq.toString(16).padStart(4, '0')}-7abc-8def-0123456789ab`;
}

function store(tenant: string, input: Record<string, unknown>, tsMs: number): Stored {
  const result = validateEvent({ ...input, ts: tsMs }, tenant, NOW);
  if (!result.ok) throw new Error(`test event rejected: ${JSON.stringify(result.errors)}`);
  const id = result.event.event_id ?? eventId(); // as ingest: the validated (lower-cased) id, else a new one
  return { id, tenant, event: result.event, tsMs, line: toRowLine(result.event, id, tenant, tsMs, tsMs + 250) };
}

const CLICK_ID = '0194686c-0c11-7abc-8def-0123456789ab';
const full = store(
  ACME,
  {
    type: 'impression',
    campaign_id: 'cmp-1',
    advertiser_id: ACME,
    ad_group_id: 'ag-1',
    ad_id: 'ad-1',
    creative_id: 'cr-1',
    platform: 'Google',
    publisher_id: 'pub-1',
    site_id: 'site-1',
    placement_id: 'pl-1',
    user_id: 'u1',
    session_id: 's1',
    device: 'mobile',
    os: 'Android 15',
    browser: 'Chrome',
    country: 'br',
    region: 'SP',
    city: 'São Paulo',
    bid_price: '0.5',
    win_price: 0.25,
    cost: '0.002',
    currency: 'brl',
    metadata: { utm_source: 'newsletter', note: 'say "hi"\\\nbye', emoji: '🙂' },
  },
  T0,
);
const batch1: Stored[] = [
  full,
  store(ACME, { type: 'impression', campaign_id: 'cmp-1', platform: 'meta', user_id: 'u2', device: 'desktop', cost: 0.0015 }, T0 + MINUTE_MS),
  store(ACME, { type: 'impression', campaign_id: 'cmp-1' }, T0 + 2 * MINUTE_MS), // minimal: every default
  store(ACME, { type: 'click', campaign_id: 'cmp-1', event_id: CLICK_ID.toUpperCase(), platform: 'google', user_id: 'u1', cost: '0.35' }, T0 + 3 * MINUTE_MS),
];
const batch2: Stored[] = [
  store(
    ACME,
    { type: 'conversion', campaign_id: 'cmp-1', platform: 'google', user_id: 'u1', click_id: CLICK_ID, revenue: '12.5', currency: 'EUR', metadata: { order: 'o-77' } },
    T0 + 20 * MINUTE_MS,
  ),
  store(ACME, { type: 'bid', campaign_id: 'cmp-1', platform: 'tiktok', user_id: 'u3', device: 'ctv', bid_price: '0.8' }, T0 + 30 * MINUTE_MS),
  store(ACME, { type: 'win', campaign_id: 'cmp-1', platform: 'tiktok', user_id: 'u3', device: 'tablet', win_price: '0.6', cost: '0.6' }, T0 + 31 * MINUTE_MS),
  // Outside the campaign, the range or the tenant: must not be counted.
  store(ACME, { type: 'impression', campaign_id: 'cmp-2', platform: 'google', user_id: 'u9', cost: 1 }, T0 + 5 * MINUTE_MS),
  store(ACME, { type: 'impression', campaign_id: 'cmp-1', platform: 'google', user_id: 'u8', cost: 1 }, T0 - 48 * HOUR_MS),
  store(ONEIL, { type: 'impression', campaign_id: 'cmp-1', platform: 'google', user_id: 'u1', device: 'other', cost: '2' }, T0 + 6 * MINUTE_MS),
  store(ONEIL, { type: 'click', campaign_id: 'cmp-1', platform: 'google', user_id: 'u1' }, T0 + 7 * MINUTE_MS),
];
const ALL = [...batch1, ...batch2];

type Totals = KpiTotals & { unique_users: number };

/** The totals insightsTotalsSql must report, computed from the inserted events. */
function expectedTotals(tenant: string, campaignId: string, range: { fromMs: number; toMs: number }, platform?: string): Totals {
  const hits = ALL.filter(
    (s) =>
      s.tenant === tenant &&
      s.event.campaign_id === campaignId &&
      s.tsMs >= range.fromMs &&
      s.tsMs < range.toMs &&
      (platform === undefined || (s.event.platform ?? '') === platform),
  );
  const n = (type: WireEvent['type']) => hits.filter((s) => s.event.type === type).length;
  return {
    impressions: n('impression'),
    clicks: n('click'),
    conversions: n('conversion'),
    bids: n('bid'),
    wins: n('win'),
    spend_micros: hits.reduce((a, s) => a + (s.event.cost ?? 0), 0),
    revenue_micros: hits.reduce((a, s) => a + (s.event.revenue ?? 0), 0),
    unique_users: new Set(hits.map((s) => s.event.user_id).filter((u) => u !== undefined)).size,
  };
}

async function insights(tenant: string, campaignId: string, platform?: string): Promise<Totals> {
  const sql = insightsTotalsSql(DB, { tenant, campaignId, range: RANGE, ...(platform === undefined ? {} : { platform }) });
  const result = await rows<Record<keyof Totals, string | number>>(sql);
  expect(result, sql).toHaveLength(1);
  const row = result[0]!;
  // 64-bit integers arrive quoted in JSON (both engines); the route converts the same way.
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as Totals;
}

async function tableNames(): Promise<string[]> {
  return (await run(`SELECT name FROM system.tables WHERE database = ${sqlString(DB)} ORDER BY name`)).trim().split('\n');
}

// ---------------------------------------------------------------------------

beforeAll(async () => {
  chdb = await loadChdb();
  dataDir = mkdtempSync(join(tmpdir(), 'adstream-chdb-'));
  session = new chdb.Session(dataDir);
});

afterAll(() => {
  session?.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

describe('current ClickHouse engine (chDB)', () => {
  it('loads, and is a current engine rather than an 18.x one', async () => {
    const version = (await run('SELECT version()')).trim();
    const major = Number(version.split('.')[0]);
    expect(major, `chDB engine version ${version}`).toBeGreaterThanOrEqual(24);
  });

  it('applies every migration, records it, and re-running changes nothing', async () => {
    expect(await migrateOnChdb(DB)).toEqual({ applied: MIGRATIONS.map((m) => m.version).sort((a, b) => a - b), alreadyApplied: [] });
    const tables = await tableNames();
    expect(tables).toContain('schema_migrations');
    for (const t of ['events', 'event_ids', 'event_ids_mv', 'rollup_campaign_minute', 'rollup_campaign_hour', 'rollup_campaign_day', 'rollup_dimensions_hour']) {
      expect(tables).toContain(t);
    }
    expect(await run(`SELECT version, name FROM ${DB}.schema_migrations ORDER BY version`)).toBe(MIGRATIONS.map((m) => `${m.version}\t${m.name}\n`).join(''));

    // The runner skips what is recorded...
    expect(await migrateOnChdb(DB)).toEqual({ applied: [], alreadyApplied: MIGRATIONS.map((m) => m.version).sort((a, b) => a - b) });
    // ...and every statement is itself idempotent: a replica racing at start-up runs them all again.
    for (const m of MIGRATIONS) for (const statement of m.statements(DB)) await run(statement);
    expect(await tableNames()).toEqual(tables);
    expect(await count('schema_migrations')).toBe(MIGRATIONS.length);
  });

  it('stores the rows toRowLine writes, the way the processor inserts them', async () => {
    // Two inserts, as two processor batches: the rollups then hold several parts to merge.
    // The processor's own statement, with the rows inline as an HTTP body would carry them.
    await run(`${eventsInsertSql(DB)}\n${batch1.map((s) => s.line).join('\n')}\n`);
    await run(`${eventsInsertSql(DB)}\n${batch2.map((s) => s.line).join('\n')}\n`);
    expect(await count('events')).toBe(ALL.length);
    expect(await count('event_ids')).toBe(ALL.length);
    expect(tsvRows(await run(`SELECT tenant_id, event_id FROM ${DB}.event_ids ORDER BY tenant_id, event_id`))).toEqual(
      ALL.map((s) => [s.tenant, s.id]).sort(byPair),
    );

    const [row] = await rows<Record<string, unknown>>(
      `SELECT toString(event_id) AS event_id, tenant_id, type, campaign_id, toUnixTimestamp(ts) AS ts, toUnixTimestamp(received_at) AS received_at,
        ad_group_id, ad_id, creative_id, platform, publisher_id, site_id, placement_id, user_id, session_id, device, os, browser,
        country, region, city, toString(bid_price_micros) AS bid, toString(win_price_micros) AS win, toString(cost_micros) AS cost,
        toString(revenue_micros) AS revenue, currency, click_id, metadata_keys, metadata_values
       FROM ${DB}.events WHERE event_id = ${sqlString(full.id)}`,
    );
    expect(row).toEqual({
      event_id: full.id,
      tenant_id: ACME,
      type: 'impression',
      campaign_id: 'cmp-1',
      ts: T0 / 1000,
      received_at: Math.floor((T0 + 250) / 1000),
      ad_group_id: 'ag-1',
      ad_id: 'ad-1',
      creative_id: 'cr-1',
      platform: 'google',
      publisher_id: 'pub-1',
      site_id: 'site-1',
      placement_id: 'pl-1',
      user_id: 'u1',
      session_id: 's1',
      device: 'mobile',
      os: 'Android 15',
      browser: 'Chrome',
      country: 'BR',
      region: 'SP',
      city: 'São Paulo',
      bid: '500000',
      win: '250000',
      cost: '2000',
      revenue: '0',
      currency: 'BRL',
      click_id: '',
      metadata_keys: ['utm_source', 'note', 'emoji'],
      metadata_values: ['newsletter', 'say "hi"\\\nbye', '🙂'],
    });

    const [minimal] = await rows<Record<string, unknown>>(
      `SELECT device, platform, user_id, toString(cost_micros) AS cost, metadata_keys FROM ${DB}.events WHERE event_id = ${sqlString(batch1[2]!.id)}`,
    );
    expect(minimal).toEqual({ device: 'unknown', platform: '', user_id: '', cost: '0', metadata_keys: [] });
    expect((await run(`SELECT click_id FROM ${DB}.events WHERE type = 'conversion'`)).trim()).toBe(CLICK_ID);
    // The click was sent with an upper-case id: validation lower-cases it, and the id index holds that form.
    expect(await count('event_ids', `event_id = ${sqlString(CLICK_ID)}`)).toBe(1);
  });

  it('answers the insights totals query, with and without a platform, per tenant', async () => {
    const acme = await insights(ACME, 'cmp-1');
    // Written out once by hand, so a mistake in expectedTotals cannot hide one in the rollups.
    expect(acme).toEqual({ impressions: 3, clicks: 1, conversions: 1, bids: 1, wins: 1, spend_micros: 953_500, revenue_micros: 12_500_000, unique_users: 3 });
    expect(acme).toEqual(expectedTotals(ACME, 'cmp-1', RANGE));
    for (const platform of ['google', 'meta', 'tiktok', 'linkedin']) {
      expect(await insights(ACME, 'cmp-1', platform), platform).toEqual(expectedTotals(ACME, 'cmp-1', RANGE, platform));
    }
    expect(await insights(ACME, 'cmp-1', 'google')).toMatchObject({ impressions: 1, clicks: 1, conversions: 1, unique_users: 1 });
    expect(await insights(ACME, 'cmp-2')).toEqual(expectedTotals(ACME, 'cmp-2', RANGE));
    expect(await insights(ONEIL, 'cmp-1')).toEqual(expectedTotals(ONEIL, 'cmp-1', RANGE));
    expect(await insights(ONEIL, 'cmp-1')).toMatchObject({ impressions: 1, clicks: 1, spend_micros: 2_000_000 });
    expect(await insights('nobody', 'cmp-1')).toEqual({ impressions: 0, clicks: 0, conversions: 0, bids: 0, wins: 0, spend_micros: 0, revenue_micros: 0, unique_users: 0 });
  });

  it("answers the KPI API's queries over a range that needs every rollup and raw events", async () => {
    // 07:15:30 to 12:15:10: raw seconds, minutes and hours at the edges (no whole day fits).
    const ragged = { fromMs: T0 - 3 * HOUR_MS + 30_000, toMs: T0 + 2 * HOUR_MS + 10_000 };
    const numbers = <T>(row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as T;
    const inRange = (s: Stored) => s.tenant === ACME && s.tsMs >= ragged.fromMs && s.tsMs < ragged.toMs;

    const totals = await rows<Record<string, string>>(insightsTotalsSql(DB, { tenant: ACME, campaignId: 'cmp-1', range: ragged }));
    expect(numbers(totals[0]!)).toEqual(expectedTotals(ACME, 'cmp-1', ragged));
    for (const [granularity, bucketMs] of [['minute', MINUTE_MS], ['hour', HOUR_MS], ['day', 24 * HOUR_MS]] as const) {
      const series = await rows<Record<string, string | number>>(insightsSeriesSql(DB, { tenant: ACME, campaignId: 'cmp-1', range: ragged }, granularity));
      const buckets = [...new Set(ALL.filter((s) => inRange(s) && s.event.campaign_id === 'cmp-1').map((s) => Math.floor(s.tsMs / bucketMs) * bucketMs / 1000))].sort();
      expect(series.map((r) => Number(r.k)), granularity).toEqual(buckets);
      expect(series.reduce((a, r) => a + Number(r.impressions) + Number(r.clicks) + Number(r.conversions) + Number(r.bids) + Number(r.wins), 0), granularity).toBe(7);
    }

    // cmp-2 has an impression and no click: its ctr is 0, its cvr null, which sorts last in either direction.
    const ranking = async (sort: 'ctr' | 'cvr', order: 'asc' | 'desc') =>
      (await rows<{ k: string }>(campaignRankingSql(DB, { tenant: ACME, range: ragged, sort, order, limit: 10 }))).map((r) => r.k);
    expect(await ranking('ctr', 'desc')).toEqual(['cmp-1', 'cmp-2']);
    expect(await ranking('ctr', 'asc')).toEqual(['cmp-2', 'cmp-1']);
    expect(await ranking('cvr', 'asc')).toEqual(['cmp-1', 'cmp-2']);
    expect(await ranking('cvr', 'desc')).toEqual(['cmp-1', 'cmp-2']);

    const devices = await rows<{ k: string; impressions: string }>(breakdownSql(DB, { tenant: ACME, range: ragged, dimension: 'device', limit: 10 }));
    expect(devices.map((r) => [r.k, Number(r.impressions)])).toEqual([
      ['unknown', 2],
      ['desktop', 1],
      ['mobile', 1],
      ['ctv', 0],
      ['tablet', 0],
    ]);

    // The conversion at +20 min names the click at +3 min.
    const median = await rows<MedianRow>(clickToConversionSql(DB, { tenant: ACME, campaignId: 'cmp-1', range: ragged }));
    expect(medianFromRow(median[0])).toBe(17 * 60);
    expect(medianFromRow((await rows<MedianRow>(clickToConversionSql(DB, { tenant: ONEIL, campaignId: 'cmp-1', range: ragged })))[0])).toBeNull();

    const latest = await rows<LatestEventRow>(latestEventsSql(DB, { tenant: ACME, campaignId: 'cmp-1', limit: 3 }));
    expect(latest.map((r) => eventFromRow(r).type)).toEqual(['win', 'bid', 'conversion']);
    expect(eventFromRow(latest[2]!)).toMatchObject({ click_id: CLICK_ID, revenue: 12.5, currency: 'EUR', metadata: { order: 'o-77' }, ts: new Date(T0 + 20 * MINUTE_MS).toISOString() });
    expect((await rows<LatestEventRow>(latestEventsSql(DB, { tenant: ONEIL, limit: 10 }))).map((r) => r.event_type)).toEqual(['click', 'impression']);
  });

  it('keeps every rollup consistent with the raw events, before and after parts merge', async () => {
    const raw = (
      await rows<Record<string, string | number>>(
        `SELECT count() AS n_events, sum(toUInt64(type = 'impression')) AS n_impressions, sum(cost_micros) AS n_spend, sum(revenue_micros) AS n_revenue,
          sum(bid_price_micros) AS n_bid, sum(win_price_micros) AS n_win, uniqIf(user_id, user_id != '') AS n_users FROM ${DB}.events`,
      )
    )[0]!;
    const check = async () => {
      for (const table of ['rollup_campaign_minute', 'rollup_campaign_hour', 'rollup_campaign_day', 'rollup_dimensions_hour']) {
        const [r] = await rows<Record<string, string | number>>(
          // Aliases differ from column names: an alias shadows the column in every other expression.
          `SELECT sumMerge(impressions) + sumMerge(clicks) + sumMerge(conversions) + sumMerge(bids) + sumMerge(wins) AS n_events,
            sumMerge(impressions) AS n_impressions, sumMerge(spend_micros) AS n_spend, sumMerge(revenue_micros) AS n_revenue,
            sumMerge(bid_price_micros) AS n_bid, sumMerge(win_price_micros) AS n_win, uniqIfMerge(users) AS n_users FROM ${DB}.${table}`,
        );
        expect(Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)])), table).toEqual(
          Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])),
        );
      }
    };
    await check();
    for (const table of ['rollup_campaign_minute', 'rollup_campaign_hour', 'rollup_campaign_day', 'rollup_dimensions_hour']) {
      await run(`OPTIMIZE TABLE ${DB}.${table} FINAL`);
    }
    await check();
    expect(await insights(ACME, 'cmp-1')).toEqual(expectedTotals(ACME, 'cmp-1', RANGE));
    expect(await count('rollup_dimensions_hour', `tenant_id = ${sqlString(ACME)} AND device = 'ctv'`)).toBe(1);
  });

  it("runs the processor's duplicate lookup with the batch as a table", async () => {
    const tableName = sourceMatch(EVENT_STORE_TS, /name:\s*'(\w+)'/);
    const structure = sourceMatch(EVENT_STORE_TS, /structure:\s*'([^']+)'/);
    expect(structure).toBe('tenant_id String, event_id FixedString(36)');
    const probe = `${DB}.batch_probe`;
    const lookup = sourceSql(EVENT_STORE_TS, '.event_ids WHERE', { '${this.#db}': DB });
    const sql = lookup.replace(new RegExp(`\\bFROM ${tableName}\\b`, 'g'), `FROM ${probe}`);
    expect(sql.match(new RegExp(`FROM ${probe}\\b`, 'g'))).toHaveLength(2);

    // An external table is a temporary Memory table; an ordinary Memory table with its structure stands in.
    await run(`CREATE TABLE ${probe} (${structure}) ENGINE = Memory`);
    const newId = '0194686c-ffff-7abc-8def-0123456789ab';
    const tsv = (tenant: string, id: string) => `${tenant.replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'))}\t${id}`;
    const acmeStored = batch2[0]!;
    const oneilStored = ALL.find((s) => s.tenant === ONEIL)!;
    await insertRaw(probe, 'TabSeparated', [
      tsv(ACME, acmeStored.id),
      tsv(ACME, newId),
      tsv(ACME, CLICK_ID),
      tsv(ONEIL, oneilStored.id),
      tsv(ONEIL, newId),
      tsv('nobody', full.id),
    ]);
    const found = tsvRows(await run(sql)).sort(byPair);
    // Tenants and ids are matched as two sets (both hit the primary key); the processor then keeps exact pairs.
    // So (nobody, full.id) finds acme's full.id: the superset the processor narrows down.
    expect(found).toEqual(
      [
        [ACME, acmeStored.id],
        [ACME, CLICK_ID],
        [ACME, full.id],
        [ONEIL, oneilStored.id],
      ].sort(byPair),
    );
  });

  it('answers the live stats query: stored rows, rows received in a window, newest receive time, per tenant', async () => {
    const stats = async (tenant: string) => {
      // Four whole minutes from T0: the events received at T0 … T0 + 3 min (received_at = ts + 250 ms).
      const sql = tenantStatsSql(DB, tenant, { fromS: T0 / 1000, toS: T0 / 1000 + 240 });
      const result = await rows<Record<string, string | number>>(sql);
      expect(result, sql).toHaveLength(1);
      return Object.fromEntries(Object.entries(result[0]!).map(([k, v]) => [k, Number(v)]));
    };
    expect(await stats(ACME)).toEqual({ stored_total: 9, received_in_window: 4, newest_received_at: (T0 + 31 * MINUTE_MS) / 1000 });
    expect(await stats(ONEIL)).toEqual({ stored_total: 2, received_in_window: 0, newest_received_at: (T0 + 7 * MINUTE_MS) / 1000 });
    expect(await stats('nobody')).toEqual({ stored_total: 0, received_in_window: 0, newest_received_at: 0 });
  });

  it("creates POST /v1/sql's tenant views, recognises them as current, and answers tenant SQL through them", async () => {
    for (const tenant of [ACME, ONEIL]) {
      const target = tenantDatabase(DB, tenant);
      const placeholders = { '${target}': target, '${sqlString(target)}': sqlString(target) };
      await run(sourceSql(TENANT_DATABASES_TS, 'CREATE DATABASE IF NOT EXISTS', placeholders));
      for (const view of tenantViews(DB, tenant)) await run(view.ddl);
      // What the service reads to decide whether a view must be created again.
      const described = await rows<{ name: string; create_table_query: string }>(sourceSql(TENANT_DATABASES_TS, 'FROM system.tables', placeholders));
      const columns = await rows<{ table: string; name: string }>(sourceSql(TENANT_DATABASES_TS, 'FROM system.columns', placeholders));
      for (const view of tenantViews(DB, tenant)) {
        const actual = { columns: columns.filter((c) => c.table === view.name).map((c) => c.name), createQuery: described.find((d) => d.name === view.name)!.create_table_query };
        expect(viewIsCurrent(view, DB, tenant, actual), actual.createQuery).toBe(true);
      }
    }

    // Tenant SQL runs with the tenant's database as the default one.
    await run(`USE ${tenantDatabase(DB, ACME)}`);
    try {
      const [own] = await rows<Record<string, unknown>>(
        'SELECT count() AS n, sum(cost) AS spend, sum(revenue) AS revenue, groupUniqArray(advertiser_id) AS tenants, toTypeName(any(cost)) AS money FROM events',
      );
      const acme = ALL.filter((e) => e.tenant === ACME);
      expect(own).toEqual({
        n: acme.length,
        spend: acme.reduce((a, e) => a + (e.event.cost ?? 0), 0) / 1e6,
        revenue: 12.5,
        tenants: [ACME],
        money: 'Decimal(18, 6)',
      });
      const byRollup = `SELECT campaign_id, sum(impressions) AS i, sum(clicks) AS c, sum(spend) AS spend, uniqIfMerge(users_state) AS users
        FROM campaign_day GROUP BY campaign_id ORDER BY campaign_id`;
      const byEvents = `SELECT campaign_id, countIf(type = 'impression') AS i, countIf(type = 'click') AS c, sum(cost) AS spend, uniqIf(user_id, user_id != '') AS users
        FROM events GROUP BY campaign_id ORDER BY campaign_id`;
      expect(await rows(byRollup)).toEqual(await rows(byEvents));
      expect((await rows<{ platform: string }>('SELECT DISTINCT platform FROM dimensions_hour ORDER BY platform')).map((r) => r.platform)).toEqual(
        [...new Set(acme.map((e) => e.event.platform ?? ''))].sort(),
      );

      // The service reads answers as JSONCompact, line by line: the current engine's layout too.
      const reader = new JsonCompactReader(10);
      for (const line of (await run(byRollup, 'JSONCompact')).split('\n')) reader.line(line);
      const read = reader.finish(true);
      expect(read.columns.map((c) => c.name)).toEqual(['campaign_id', 'i', 'c', 'spend', 'users']);
      expect(read.rows.map((r) => r[0])).toEqual(['cmp-1', 'cmp-2']);
      expect(read.statistics?.rows_read).toBeGreaterThan(0);
    } finally {
      await run('USE default');
    }

    // Every setting the service checks in the SQL user's profile exists on the current engine.
    const profileSql = sourceSql(SQL_SERVICE_TS, 'FROM system.settings', { '${sqlStringList(PROFILE_SETTINGS)}': sqlStringList(PROFILE_SETTINGS) });
    expect((await rows<{ name: string }>(profileSql)).map((r) => r.name).sort()).toEqual([...PROFILE_SETTINGS].sort());
  });

  it("runs the Grafana campaign KPI dashboard's queries (observability/grafana/dashboards) as the ClickHouse plugin sends them", async () => {
    const kpis = loadDashboards().find((d) => d.json.uid === 'adstream-campaign-kpis')!.json;
    const queries = dashboardQueries(kpis).filter((q) => q.kind === 'clickhouse');
    expect(queries.length).toBeGreaterThan(5);
    const answers = new Map<string, unknown[][]>();
    for (const q of queries) {
      const sql = expandClickHouseMacros(interpolateVariables(q.text!, { tenant: ACME, campaign: 'cmp-1' }), RANGE).replaceAll('adstream.', `${DB}.`);
      const data = (JSON.parse(await run(sql, 'JSONCompact')) as { data: unknown[][] }).data;
      expect(data.length, `${q.key}: no rows`).toBeGreaterThan(0);
      answers.set(q.key, data);
    }
    const funnel = answers.get('adstream-campaign-kpis › Funnel and money › A')![0]!.map(Number);
    expect(funnel).toEqual([3, 1, 1, 1, 1, 0.9535, 12.5]);
  });
});
