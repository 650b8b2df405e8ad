/**
 * ClickHouse's answer to a tenant query that failed, as the API reports it:
 * the server's message without its internals, and whose fault it was.
 */
export class ClickHouseQueryError extends Error {
  /** ClickHouse's error code, when the answer carried one. */
  readonly code: number | undefined;
  /** 400: the query's own fault; 429: too many at once; 503: the server or its configuration. */
  readonly statusCode: 400 | 429 | 503;
  constructor(code: number | undefined, statusCode: 400 | 429 | 503, message: string) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}

export const UNKNOWN_TABLE = 60;
export const UNKNOWN_DATABASE = 81;
const TOO_MANY_SIMULTANEOUS_QUERIES = 202;
const MEMORY_LIMIT_EXCEEDED = 241;

/** Codes that say nothing about the query: who may log in, the network, the server itself. */
const SERVER_SIDE = new Set([
  UNKNOWN_DATABASE, // the tenant's database, which the service creates
  173, // CANNOT_ALLOCATE_MEMORY
  192, // UNKNOWN_USER
  193, // WRONG_PASSWORD
  194, // REQUIRED_PASSWORD
  195, // IP_ADDRESS_NOT_ALLOWED
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  236, // ABORTED
  242, // TABLE_IS_READ_ONLY
  279, // ALL_CONNECTION_TRIES_FAILED
  394, // QUERY_WAS_CANCELLED
  439, // CANNOT_SCHEDULE_TASK
  516, // AUTHENTICATION_FAILED
  999, // KEEPER_EXCEPTION
  1000, // POCO_EXCEPTION
  1001, // STD_EXCEPTION
]);

const MAX_MESSAGE = 600;

/**
 * `text` is an error answer of either version:
 *   18.16:   Code: 47, e.displayText() = DB::Exception: Unknown identifier: x, e.what() = DB::Exception
 *   current: Code: 47. DB::Exception: Unknown expression identifier `x` in scope SELECT …. (UNKNOWN_IDENTIFIER) (version 25.8.1.1)
 * `hide` lists database names to drop from the message (`db.` prefixes).
 */
export function clickHouseQueryError(text: string, hide: readonly string[]): ClickHouseQueryError {
  const codeMatch = /Code: (\d+)/.exec(text);
  const code = codeMatch ? Number(codeMatch[1]) : undefined;
  let message = codeMatch ? text.slice(codeMatch.index) : text;
  const exception = message.indexOf('DB::Exception: ');
  if (exception >= 0) message = message.slice(exception + 'DB::Exception: '.length);
  message = message
    .replace(/Stack trace[\s\S]*$/, '')
    .replace(/, e\.what\(\) = [\s\S]*$/, '')
    .replace(/\s*\(version [^)]*\)\s*$/, '')
    .replace(/\.?\s*\([A-Z][A-Z0-9_]+\)\s*$/, '')
    // The rest repeats the query, expanded with the views' definitions.
    .replace(/\s+(?:[Ii]n scope |while processing query|, required columns|, source columns|while executing)[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    // The output format the runner appends (the guard refuses any FORMAT of the query's own).
    .replaceAll(' FORMAT JSONCompact', '')
    .trim();
  for (const db of hide) message = message.replaceAll(`${db}.`, '');
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  if (message === '') message = 'ClickHouse gave no reason';
  return new ClickHouseQueryError(code, statusFor(code, message), `ClickHouse: ${message}`);
}

function statusFor(code: number | undefined, message: string): 400 | 429 | 503 {
  if (code === undefined) return 503;
  if (code === TOO_MANY_SIMULTANEOUS_QUERIES) return 429;
  // "Memory limit (for query)" is the query's; "(total)" is the server's.
  if (code === MEMORY_LIMIT_EXCEEDED) return message.includes('(total)') ? 503 : 400;
  return SERVER_SIDE.has(code) ? 503 : 400;
}
