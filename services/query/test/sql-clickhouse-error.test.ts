import { describe, expect, it } from 'vitest';
import { clickHouseQueryError } from '../src/sql/clickhouse-error.ts';

const TENANT_DB = 'adstream_t_822b33ad87c148a0a20a5ba7cd5ebcaa';
const hide = [TENANT_DB, 'adstream'];

describe('ClickHouse error answers', () => {
  it('keeps the message of an 18.16 error and drops its wrapping', () => {
    const e = clickHouseQueryError('Code: 47, e.displayText() = DB::Exception: Unknown identifier: nope, e.what() = DB::Exception\n', hide);
    expect({ code: e.code, status: e.statusCode, message: e.message }).toEqual({ code: 47, status: 400, message: 'ClickHouse: Unknown identifier: nope' });
  });

  it('keeps the message of a current error and drops the code name, version and the query it repeats', () => {
    const text =
      "Code: 47. DB::Exception: Unknown expression identifier `nope` in scope SELECT nope FROM adstream_t_822b33ad87c148a0a20a5ba7cd5ebcaa.events WHERE tenant_id = 'acme'. (UNKNOWN_IDENTIFIER) (version 25.8.1.1 (official build))";
    expect(clickHouseQueryError(text, hide).message).toBe('ClickHouse: Unknown expression identifier `nope`');
  });

  it('drops the output format the service appends from syntax errors', () => {
    const e = clickHouseQueryError(
      'Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 41 (line 1, col 41): n\nFORMAT JSONCompact. Expected number, e.what() = DB::Exception',
      hide,
    );
    expect(e.message).toBe('ClickHouse: Syntax error: failed at position 41 (line 1, col 41): n. Expected number');
  });

  it('drops the tenant database and the shared database from names', () => {
    expect(clickHouseQueryError(`Code: 60, e.displayText() = DB::Exception: Table ${TENANT_DB}.nope doesn't exist., e.what() = DB::Exception`, hide).message).toBe(
      "ClickHouse: Table nope doesn't exist.",
    );
    expect(clickHouseQueryError('Code: 60. DB::Exception: Table adstream.rollup_x does not exist. (UNKNOWN_TABLE)', hide).message).toBe('ClickHouse: Table rollup_x does not exist');
  });

  it('drops stack traces and what 18.16 appends about the expanded query', () => {
    const e = clickHouseQueryError(
      "Code: 47, e.displayText() = DB::Exception: Missing columns: 'x' while processing query: 'SELECT x FROM adstream.events WHERE tenant_id = 'acme'', required columns: 'x', e.what() = DB::Exception\nStack trace:\n0. clickhouse(StackTrace::StackTrace()+0x16)",
      hide,
    );
    expect(e.message).toBe("ClickHouse: Missing columns: 'x'");
  });

  it('blames the query for its limits and errors, the server for logins and the network', () => {
    const status = (code: number, message = 'x') => clickHouseQueryError(`Code: ${code}. DB::Exception: ${message}`, hide).statusCode;
    expect(status(62)).toBe(400); // SYNTAX_ERROR
    expect(status(158)).toBe(400); // TOO_MANY_ROWS
    expect(status(159)).toBe(400); // TIMEOUT_EXCEEDED
    expect(status(307)).toBe(400); // TOO_MANY_BYTES
    expect(status(164)).toBe(400); // READONLY
    expect(status(241, 'Memory limit (for query) exceeded')).toBe(400);
    expect(status(241, 'Memory limit (total) exceeded')).toBe(503);
    expect(status(202)).toBe(429); // TOO_MANY_SIMULTANEOUS_QUERIES
    expect(status(192)).toBe(503); // UNKNOWN_USER
    expect(status(516)).toBe(503); // AUTHENTICATION_FAILED
    expect(status(81)).toBe(503); // UNKNOWN_DATABASE: the service's own tenant database
    expect(clickHouseQueryError('<html>502 Bad Gateway</html>', hide).statusCode).toBe(503);
  });

  it('caps a long message', () => {
    const e = clickHouseQueryError(`Code: 62. DB::Exception: Syntax error: ${'x'.repeat(5000)}`, hide);
    expect(e.message.length).toBeLessThan(700);
    expect(e.message.endsWith('…')).toBe(true);
  });
});
