import { clickHouseQueryError, ClickHouseQueryError } from './clickhouse-error.ts';
import { JsonCompactReader, UnexpectedAnswer, type Column } from './json-compact-reader.ts';

/** The read-only ClickHouse user tenant SQL runs as. */
export interface SqlConnection {
  /** ClickHouse's HTTP interface, e.g. http://127.0.0.1:8123 */
  url: string;
  username: string;
  password: string;
}

export interface RunOptions {
  /** The default database: the tenant's views (undefined: the user's default). */
  database?: string;
  /** Rows kept; more make the answer truncated. */
  maxRows: number;
  /** Bytes read from the server before the answer is cut short (and truncated). */
  maxBytes: number;
  timeoutMs: number;
  /** Database names to keep out of error messages. */
  hide?: readonly string[];
}

export interface SqlAnswer {
  columns: Column[];
  rows: unknown[][];
  /** null when the answer was cut short before the server's statistics. */
  rowsRead: number | null;
  elapsedMs: number;
  truncated: boolean;
}

const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Runs one statement over ClickHouse's HTTP interface and reads the answer
 * as it streams. The request carries no settings (the read-only profile
 * would refuse them, and the limits are the profile's): only the default
 * database, the credentials, and the output format appended to the text.
 * @clickhouse/client is not used here because it can neither pick the
 * database per request nor stop reading a large answer part-way.
 */
export async function runSql(conn: SqlConnection, sql: string, o: RunOptions): Promise<SqlAnswer> {
  const url = new URL(conn.url);
  if (o.database !== undefined) url.searchParams.set('database', o.database);
  const abort = new AbortController();
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const started = performance.now();
  const hide = o.hide ?? [];
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      // The newline ends a trailing -- comment; the guard has refused any FORMAT of the query's own.
      body: `${sql}\nFORMAT JSONCompact`,
      headers: { authorization: `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString('base64')}` },
      signal: AbortSignal.any([abort.signal, timeout]),
    });
  } catch (error) {
    throw unreachable(error, timeout);
  }
  if (!res.ok || res.body === null) {
    const text = await readLimited(res, ERROR_BODY_LIMIT);
    throw clickHouseQueryError(text || `HTTP ${res.status}`, hide);
  }

  const reader = new JsonCompactReader(o.maxRows);
  const decoder = new TextDecoder();
  let pending = '';
  let bytes = 0;
  let cut = false;
  try {
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) reader.line(line);
      if (bytes > o.maxBytes) {
        cut = true;
        break; // cancels the body; the abort below ends the request
      }
    }
  } catch (error) {
    throw unreachable(error, timeout);
  }
  if (cut) {
    abort.abort();
  } else {
    pending += decoder.decode();
    if (pending !== '') reader.line(pending);
  }

  let result;
  try {
    result = reader.finish(!cut);
  } catch (error) {
    if (error instanceof UnexpectedAnswer) throw clickHouseQueryError(error.text, hide);
    throw error;
  }
  if (result.exception !== undefined) throw clickHouseQueryError(result.exception, hide);
  return {
    columns: result.columns,
    rows: result.rows,
    rowsRead: result.statistics?.rows_read ?? null,
    elapsedMs: result.statistics === undefined ? Math.round(performance.now() - started) : Math.round(result.statistics.elapsed * 1e6) / 1e3,
    truncated: cut || result.rowsSent > o.maxRows,
  };
}

async function readLimited(res: Response, limit: number): Promise<string> {
  if (res.body === null) return '';
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res.body) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > limit) break;
  }
  return text.slice(0, limit);
}

function unreachable(error: unknown, timeout: AbortSignal): ClickHouseQueryError {
  if (timeout.aborted) return new ClickHouseQueryError(undefined, 503, 'ClickHouse did not answer in time');
  const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new ClickHouseQueryError(undefined, 503, `ClickHouse cannot be reached: ${cause}`);
}
