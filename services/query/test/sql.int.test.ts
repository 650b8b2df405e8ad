import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { eventsInsertSql, toRowLine } from '@adstream/shared/event-row';
import { validateEvent } from '@adstream/shared/event-validation';
import { migrate } from '@adstream/shared/migrate';
import { startClickHouse, type ClickHouseHandle } from '../../../scripts/lib/clickhouse-server.ts';
import { DEFAULT_PROFILES, SQL_PROFILE, SQL_USER } from '../../../scripts/lib/clickhouse-users.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { buildQueryApp } from '../src/app.ts';
import { runSql } from '../src/sql/sql-runner.ts';
import { SqlService } from '../src/sql/sql-service.ts';
import { tenantDatabase, tenantViews } from '../src/sql/tenant-views.ts';
import { ATTACKS, LEGIT_QUERIES } from './sql-attack-corpus.ts';

/**
 * POST /v1/sql against Debian's ClickHouse 18.16 with the users config the
 * local stack writes: the tenant sees only its rows, every attack of the
 * corpus is refused, the layers behind the guard hold on their own, and the
 * profile's limits apply.
 */
const DB = 'adstream';
const ACME = 'acme';
const ONEIL = "o'neil\\co";
const BULK = 'bulk';
const TIGHT_USER = 'sql_tight';
const LOOSE_USER = 'sql_nolimits';
const T0 = Date.UTC(2025, 0, 15, 10, 15, 0);
const MINUTE = 60_000;

let dir: string;
let server: ClickHouseHandle;
let admin: ClickHouseClient;
const apps: FastifyInstance[] = [];
let app: FastifyInstance;
const keys = new ApiKeyStore([ACME, ONEIL, BULK].map((tenant, i) => ({ key: `sql-test-key-${i}-0123456789`, tenant, scopes: ['query' as const] })));
const keyOf = (tenant: string) => `sql-test-key-${[ACME, ONEIL, BULK].indexOf(tenant)}-0123456789`;

interface Answer {
  status: number;
  body: { columns: { name: string; type: string }[]; rows: unknown[][]; rows_read: number | null; elapsed_ms: number; truncated: boolean; message: string };
}

async function sql(tenant: string, text: string, on: FastifyInstance = app): Promise<Answer> {
  const res = await on.inject({ method: 'POST', url: '/v1/sql', headers: { authorization: `Bearer ${keyOf(tenant)}` }, payload: { sql: text } });
  return { status: res.statusCode, body: res.json() };
}

async function appFor(username: string): Promise<FastifyInstance> {
  const built = await buildQueryApp({ keys, clickhouse: admin, database: DB, sql: { url: server.url, username, password: '' } });
  apps.push(built);
  return built;
}

let seq = 0;
function row(tenant: string, input: Record<string, unknown>, tsMs: number): string {
  const result = validateEvent({ ...input, ts: tsMs }, tenant, tsMs + MINUTE);
  if (!result.ok) throw new Error(`test event rejected: ${JSON.stringify(result.errors)}`);
  seq++;
  const id = `0194686c-${seq.toString(16).padStart(4, '0')}-7abc-8def-0123456789ab`;
  return toRowLine(result.event, id, tenant, tsMs, tsMs + 250);
}

const acmeRows = [
  row(ACME, { type: 'impression', campaign_id: 'c1', platform: 'meta', user_id: 'u1', cost: '0.002', metadata: { utm_source: 'mail' } }, T0),
  row(ACME, { type: 'impression', campaign_id: 'c1', platform: 'google', user_id: 'u2', cost: '0.003' }, T0 + MINUTE),
  row(ACME, { type: 'click', campaign_id: 'c1', platform: 'meta', user_id: 'u1', cost: '0.25' }, T0 + 2 * MINUTE),
  row(ACME, { type: 'conversion', campaign_id: 'c1', platform: 'meta', user_id: 'u1', revenue: '12.5' }, T0 + 3 * MINUTE),
  row(ACME, { type: 'impression', campaign_id: 'c2', platform: 'tiktok', user_id: 'u3', cost: '1' }, T0 + 61 * MINUTE),
];
const oneilRows = [
  row(ONEIL, { type: 'impression', campaign_id: 'c1', platform: 'meta', user_id: 'u9', cost: '7' }, T0),
  row(ONEIL, { type: 'click', campaign_id: 'secret', platform: 'meta', user_id: 'u9', cost: '3' }, T0 + MINUTE),
];
// Enough rows for the tight profile's max_rows_to_read, and no more than one granule.
const bulkRows = Array.from({ length: 2000 }, (_, i) => row(BULK, { type: 'impression', campaign_id: `b${i % 7}` }, T0 + i * 1000));

beforeAll(async () => {
  dir = await makeTempDir('sql-int');
  server = await startClickHouse({
    dataDir: join(dir, 'clickhouse'),
    users: [{ name: 'default' }, { name: SQL_USER, profile: SQL_PROFILE }, { name: TIGHT_USER, profile: 'tight' }, { name: LOOSE_USER, profile: 'default' }],
    profiles: [
      ...DEFAULT_PROFILES,
      {
        name: 'tight',
        settings: {
          ...DEFAULT_PROFILES.find((p) => p.name === SQL_PROFILE)!.settings,
          max_rows_to_read: 1000,
          max_result_rows: 5,
          max_memory_usage: 50_000_000,
        },
      },
    ],
  });
  admin = createClient({ url: server.url });
  await migrate(admin, DB);
  await admin.command({ query: `${eventsInsertSql(DB)}\n${[...acmeRows, ...oneilRows, ...bulkRows].join('\n')}\n` });
  app = await appFor(SQL_USER);
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await admin?.close();
  await server?.stop();
  if (dir) await removeTempDir(dir);
});

describe('POST /v1/sql on ClickHouse 18.16', () => {
  it("shows a tenant only its own events, under the contract's names and units", async () => {
    const acme = await sql(ACME, 'SELECT count() AS n, sum(cost) AS spend, sum(revenue) AS revenue, groupUniqArray(advertiser_id) AS tenants FROM events');
    expect(acme.status).toBe(200);
    expect(acme.body.rows).toEqual([[5, 1.255, 12.5, [ACME]]]);
    expect(acme.body.columns).toEqual([
      { name: 'n', type: 'UInt64' },
      { name: 'spend', type: 'Decimal(38, 6)' },
      { name: 'revenue', type: 'Decimal(38, 6)' },
      { name: 'tenants', type: 'Array(String)' },
    ]);
    expect(acme.body.truncated).toBe(false);
    expect(acme.body.rows_read).toBeGreaterThanOrEqual(5);

    const oneil = await sql(ONEIL, 'SELECT campaign_id, cost FROM events ORDER BY ts');
    expect(oneil.body.rows).toEqual([
      ['c1', 7],
      ['secret', 3],
    ]);
    const acmeSecret = await sql(ACME, "SELECT count() FROM events WHERE campaign_id = 'secret'");
    expect(acmeSecret.body.rows).toEqual([[0]]);
  });

  it('exposes every column of the events view, money as decimals and metadata as two arrays', async () => {
    const res = await sql(ACME, "SELECT * FROM events WHERE type = 'impression' ORDER BY ts LIMIT 1");
    expect(res.status).toBe(200);
    expect(res.body.columns.map((c) => c.name)).toEqual(tenantViews(DB, ACME)[0]!.columns);
    const rec = Object.fromEntries(res.body.columns.map((c, i) => [c.name, res.body.rows[0]![i]]));
    expect(rec).toMatchObject({ advertiser_id: ACME, type: 'impression', campaign_id: 'c1', platform: 'meta', cost: 0.002, revenue: 0, ts: '2025-01-15 10:15:00' });
    expect(rec.metadata_keys).toEqual(['utm_source']);
    expect(rec.metadata_values).toEqual(['mail']);
  });

  it('answers an aggregate over the rollups', async () => {
    const res = await sql(
      ACME,
      `SELECT campaign_id, sum(impressions) AS i, sum(clicks) AS c, sum(conversions) AS v, sum(spend) AS spend, sum(revenue) AS revenue,
        uniqIfMerge(users_state) AS users, round(sum(clicks) / sum(impressions), 4) AS ctr
       FROM campaign_day WHERE day = toDate('2025-01-15') GROUP BY campaign_id ORDER BY campaign_id`,
    );
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      ['c1', 2, 1, 1, 0.255, 12.5, 2, 0.5],
      ['c2', 1, 0, 0, 1, 0, 1, 0],
    ]);
    const byPlatform = await sql(ACME, 'SELECT platform, sum(impressions) FROM dimensions_hour GROUP BY platform ORDER BY platform');
    expect(byPlatform.body.rows).toEqual([
      ['google', 1],
      ['meta', 1],
      ['tiktok', 1],
    ]);
    const minutes = await sql(ACME, "SELECT count(), sum(impressions) FROM campaign_minute WHERE campaign_id = 'c1'");
    expect(minutes.body.rows).toEqual([[4, 2]]);
  });

  it('refuses every attack of the corpus', async () => {
    // Another tenant's database exists once that tenant has queried.
    expect((await sql(ONEIL, 'SELECT 1')).status).toBe(200);
    const attacks = [
      ...ATTACKS,
      { name: "o'neil's database", sql: `SELECT * FROM ${tenantDatabase(DB, ONEIL)}.events`, status: 403, message: /adstream_t_/ },
      { name: "o'neil's database as an alias", sql: `SELECT 1 AS ${tenantDatabase(DB, ONEIL)}`, status: 403, message: /database/ },
    ];
    const wrong: string[] = [];
    for (const attack of attacks) {
      const res = await sql(ACME, attack.sql);
      if (res.status !== attack.status || !attack.message.test(res.body.message)) wrong.push(`${attack.name}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
    // Refused before they arrived: the inputs that crash 18.16 never reached it.
    expect((await admin.ping()).success).toBe(true);
  });

  it('lets every legitimate query past the guard: it runs, or ClickHouse itself declines it', async () => {
    const refusedByGuard: string[] = [];
    for (const text of LEGIT_QUERIES) {
      const res = await sql(ACME, text);
      if (res.status !== 200 && !(res.status === 400 && res.body.message.startsWith('ClickHouse: '))) refusedByGuard.push(`${text}: ${res.status} ${res.body.message}`);
    }
    expect(refusedByGuard).toEqual([]);
  });

  it('reads comments and strings where the guard does', async () => {
    // \r does not end a -- comment; an escaped quote does not end a string.
    expect((await sql(ACME, 'SELECT 1 -- x\r, (SELECT count() FROM system.tables)')).body.rows).toEqual([[1]]);
    expect((await sql(ACME, "SELECT 'a\\' , (SELECT 1 FROM system.one) , '")).body.rows).toEqual([["a' , (SELECT 1 FROM system.one) , "]]);
    expect((await sql(ACME, 'SELECT 1 // comment\n, 2')).body.rows).toEqual([[1, 2]]);
  });

  it('answers ClickHouse errors as 400 with the message trimmed of internals', async () => {
    const unknown = await sql(ACME, 'SELECT nope FROM events');
    expect(unknown).toMatchObject({ status: 400, body: { statusCode: 400, message: 'ClickHouse: Unknown identifier: nope' } });
    const missing = await sql(ACME, 'SELECT * FROM nothing_here');
    expect(missing).toMatchObject({ status: 400, body: { message: "ClickHouse: Table nothing_here doesn't exist." } });
    const syntax = await sql(ACME, 'SELECT FROM WHERE');
    expect(syntax.status).toBe(400);
    expect(syntax.body.message).toMatch(/^ClickHouse: Syntax error/);
    const deep = await sql(ACME, `SELECT ${'1 = '.repeat(2400)}1`);
    expect(deep).toMatchObject({ status: 400, body: { message: 'ClickHouse: AST is too deep. Maximum: 1000' } });
  });

  it('cuts a large result at the profile row limit and says so', async () => {
    const res = await sql(ACME, 'SELECT arrayJoin(range(25000)) AS n');
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(10_000);
    expect(res.body.rows[9_999]).toEqual([9_999]);
    expect(res.body.truncated).toBe(true);
  });

  it('stops reading an answer larger than its byte limit and returns the rows so far', async () => {
    // 16 KiB holds ~2,300 rows, far under the profile's 10,000-row cap, so only the byte limit can end this answer.
    const service = new SqlService({ admin, database: DB, connection: { url: server.url, username: SQL_USER, password: '' }, maxResponseBytes: 16 * 1024 });
    const answer = await service.run(ACME, 'SELECT arrayJoin(range(1000000)) AS n');
    expect(answer.truncated).toBe(true);
    expect(answer.rowsRead).toBeNull();
    expect(answer.rows.length).toBeGreaterThan(1000);
    expect(answer.rows.length).toBeLessThan(10_000);
    expect(answer.rows.slice(0, 3)).toEqual([[0], [1], [2]]);
  });

  it('applies the profile limits: rows read, result rows, memory', async () => {
    const tight = await appFor(TIGHT_USER);
    const scan = await sql(BULK, 'SELECT count() FROM events', tight);
    expect(scan.status).toBe(400);
    expect(scan.body.message).toMatch(/^ClickHouse: Limit for rows to read exceeded/);
    const rows = await sql(BULK, 'SELECT arrayJoin(range(100)) AS n', tight);
    expect(rows.body).toMatchObject({ rows: [[0], [1], [2], [3], [4]], truncated: true });
    const memory = await sql(BULK, 'SELECT length(groupArray(arrayJoin(range(10000000))))', tight);
    expect(memory.status).toBe(400);
    expect(memory.body.message).toMatch(/^ClickHouse: Memory limit \(for query\) exceeded/);
  });

  it('refuses to serve SQL (503) as a user without the limits profile, or one that cannot log in', async () => {
    const loose = await sql(ACME, 'SELECT 1', await appFor(LOOSE_USER));
    expect(loose.status).toBe(503);
    expect(loose.body.message).toMatch(/lacks the read-only limits profile: readonly must be 1 \(is 0\).*max_execution_time must be set/);
    const nobody = await sql(ACME, 'SELECT 1', await appFor('nobody'));
    expect(nobody.status).toBe(503);
    expect(nobody.body.message).toMatch(/"nobody" cannot read its settings/);
  });

  it('holds behind the guard too: the default database and the read-only profile', async () => {
    const connection = { url: server.url, username: SQL_USER, password: '' };
    const direct = (text: string, database = tenantDatabase(DB, ACME)) =>
      runSql(connection, text, { database, maxRows: 100, maxBytes: 1 << 20, timeoutMs: 30_000 }).then(
        (a) => ({ ok: true, rows: a.rows, message: '' }),
        (e: Error) => ({ ok: false, rows: [], message: e.message }),
      );
    expect(await direct("SELECT count() FROM events WHERE advertiser_id != 'acme'")).toEqual({ ok: true, rows: [['0']], message: '' });
    expect((await direct("INSERT INTO events (campaign_id) VALUES ('x')")).message).toMatch(/readonly mode/);
    expect((await direct('SELECT 1 SETTINGS readonly = 0')).message).toMatch(/readonly mode/);
    expect((await direct('SELECT count() FROM numbers(1000000000000)')).message).toMatch(/Table functions are forbidden in readonly mode/);
    expect((await direct("SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')")).message).toMatch(/Table functions are forbidden in readonly mode/);
    expect((await direct(`CREATE TABLE ${tenantDatabase(DB, ACME)}.x (a UInt8) ENGINE = Memory`)).message).toMatch(/readonly mode/);
    expect((await direct(`DROP TABLE ${tenantDatabase(DB, ACME)}.events`)).message).toMatch(/readonly mode/);
  });

  it('creates views idempotently and puts back a view that went missing or stale', async () => {
    const acmeDb = tenantDatabase(DB, ACME);
    await admin.command({ query: `DROP TABLE ${acmeDb}.events` });
    expect((await sql(ACME, 'SELECT count() FROM events')).body.rows).toEqual([[5]]);

    await admin.command({ query: `DROP TABLE ${acmeDb}.campaign_day` });
    await admin.command({ query: `CREATE VIEW ${acmeDb}.campaign_day AS SELECT 1 AS stale` });
    const fresh = await appFor(SQL_USER);
    const day = await sql(ACME, 'SELECT sum(impressions) FROM campaign_day', fresh);
    expect(day.body.rows).toEqual([[3]]);
    // A second process finds everything in place and changes nothing.
    const before = await admin.query({ query: `SELECT name, metadata_modification_time FROM system.tables WHERE database = '${acmeDb}' ORDER BY name`, format: 'JSONEachRow' });
    const snapshot = await before.json();
    expect((await sql(ACME, 'SELECT count() FROM campaign_hour', await appFor(SQL_USER))).status).toBe(200);
    const after = await admin.query({ query: `SELECT name, metadata_modification_time FROM system.tables WHERE database = '${acmeDb}' ORDER BY name`, format: 'JSONEachRow' });
    expect(await after.json()).toEqual(snapshot);
  });
});
