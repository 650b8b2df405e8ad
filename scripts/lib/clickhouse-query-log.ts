// ClickHouse's own view of the queries a benchmark caused: system.query_log
// (duration, rows read) for every query the service sent, and the `elapsed`
// ClickHouse reports when the same SQL runs again alone, without the service
// and without competing load. Together with client-side latency they show
// where a request's time goes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Prefix of the query ids this module uses, so its own queries stay out of the figures. */
const OWN_QUERY_ID = 'bench-query-';
let ownQueries = 0;

/**
 * Turns on system.query_log for a server started by startClickHouse with this
 * data dir: ClickHouse merges config.d/ and users.d/ next to its config and
 * users files, so the generated files stay untouched.
 */
export async function enableQueryLog(clickhouseDataDir: string): Promise<void> {
  await mkdir(join(clickhouseDataDir, 'config.d'), { recursive: true });
  await mkdir(join(clickhouseDataDir, 'users.d'), { recursive: true });
  await writeFile(
    join(clickhouseDataDir, 'config.d', 'query-log.xml'),
    `<?xml version="1.0"?>
<!-- Written by scripts/lib/clickhouse-query-log.ts for the query benchmark. -->
<yandex>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>1000</flush_interval_milliseconds>
  </query_log>
</yandex>
`,
  );
  await writeFile(
    join(clickhouseDataDir, 'users.d', 'log-queries.xml'),
    `<?xml version="1.0"?>
<!-- Written by scripts/lib/clickhouse-query-log.ts for the query benchmark. -->
<yandex><profiles><default><log_queries>1</log_queries></default></profiles></yandex>
`,
  );
}

/** Runs one statement over ClickHouse's HTTP interface and returns the response body. */
export async function clickhouseText(url: string, sql: string): Promise<string> {
  const id = `${OWN_QUERY_ID}${process.pid}-${++ownQueries}`;
  const res = await fetch(`${url}/?query_id=${encodeURIComponent(id)}`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse answered ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

export interface LoggedQuery {
  durationMs: number;
  readRows: number;
  readBytes: number;
  /** The SQL as ClickHouse received it. */
  query: string;
  failed: boolean;
}

/**
 * Queries other than this module's own that started within [fromMs, toMs]
 * (query_log has second resolution, so callers keep a gap of more than a
 * second between windows they want told apart).
 */
export async function loggedQueries(url: string, fromMs: number, toMs: number): Promise<LoggedQuery[]> {
  await clickhouseText(url, 'SYSTEM FLUSH LOGS');
  const text = await clickhouseText(
    url,
    `SELECT query_duration_ms, read_rows, read_bytes, query, type != 2 AS failed
     FROM system.query_log
     WHERE type != 1 AND is_initial_query
       AND query_start_time >= toDateTime(${Math.floor(fromMs / 1000)}) AND query_start_time <= toDateTime(${Math.floor(toMs / 1000)})
       AND query_id NOT LIKE '${OWN_QUERY_ID}%'
     FORMAT JSONEachRow`,
  );
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const r = JSON.parse(line) as { query_duration_ms: string; read_rows: string; read_bytes: string; query: string; failed: number };
      return { durationMs: Number(r.query_duration_ms), readRows: Number(r.read_rows), readBytes: Number(r.read_bytes), query: r.query, failed: r.failed === 1 };
    });
}

/** The SQL with its trailing FORMAT clause (which the client library appends) replaced by FORMAT JSON. */
export function asJsonFormat(sql: string): string {
  return `${sql.replace(/\s+FORMAT\s+\w+\s*;?\s*$/i, '').trimEnd()}\nFORMAT JSON`;
}

/** ClickHouse's own `elapsed` for one run of `sql`, in ms; undefined when the query fails or is no SELECT. */
export async function isolatedElapsedMs(url: string, sql: string): Promise<number | undefined> {
  if (!/^\s*(SELECT|WITH)\b/i.test(sql)) return undefined;
  try {
    const body = JSON.parse(await clickhouseText(url, asJsonFormat(sql))) as { statistics?: { elapsed?: number } };
    const elapsed = body.statistics?.elapsed;
    return elapsed === undefined ? undefined : elapsed * 1000;
  } catch {
    return undefined;
  }
}
