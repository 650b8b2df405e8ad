import { describe, expect, it } from 'vitest';
import { checkSqlProfile } from '../src/sql/sql-profile.ts';

const GOOD = new Map([
  ['readonly', '1'],
  ['result_overflow_mode', 'break'],
  ['output_format_json_quote_64bit_integers', '1'],
  ['max_execution_time', '30'],
  ['max_rows_to_read', '2000000000'],
  ['max_bytes_to_read', '200000000000'],
  ['max_result_rows', '10000'],
  ['max_memory_usage', '2000000000'],
]);

const without = (name: string, value?: string) => {
  const m = new Map(GOOD);
  if (value === undefined) m.delete(name);
  else m.set(name, value);
  return m;
};

describe('SQL user profile check', () => {
  it('accepts the profile scripts/lib/clickhouse-users.ts defines and returns its limits', () => {
    expect(checkSqlProfile(GOOD)).toEqual({ ok: true, limits: { maxExecutionSeconds: 30, maxResultRows: 10_000 } });
  });

  it('refuses a user that may write or change settings', () => {
    expect(checkSqlProfile(without('readonly', '0'))).toEqual({ ok: false, problems: ['readonly must be 1 (is 0)'] });
    expect(checkSqlProfile(without('readonly', '2'))).toEqual({ ok: false, problems: ['readonly must be 1 (is 2)'] });
  });

  it('refuses a missing or unlimited limit, naming each', () => {
    expect(checkSqlProfile(without('max_execution_time', '0'))).toEqual({ ok: false, problems: ['max_execution_time must be set (is 0)'] });
    expect(checkSqlProfile(without('max_memory_usage'))).toEqual({ ok: false, problems: ['max_memory_usage must be set (is unknown to the server)'] });
    expect(checkSqlProfile(without('result_overflow_mode', 'throw'))).toEqual({ ok: false, problems: ['result_overflow_mode must be break (is throw)'] });
  });

  it('refuses a limit above what the service accepts', () => {
    expect(checkSqlProfile(without('max_result_rows', '1000000'))).toEqual({ ok: false, problems: ['max_result_rows must be at most 100000 rows (is 1000000)'] });
    expect(checkSqlProfile(without('max_execution_time', '3600'))).toEqual({ ok: false, problems: ['max_execution_time must be at most 300 seconds (is 3600)'] });
  });

  it('lists every problem of a default profile at once', () => {
    const defaults = new Map([['readonly', '0'], ['result_overflow_mode', 'throw'], ['output_format_json_quote_64bit_integers', '0'], ['max_execution_time', '0'], ['max_rows_to_read', '0'], ['max_bytes_to_read', '0'], ['max_result_rows', '0'], ['max_memory_usage', '10000000000']]);
    const result = checkSqlProfile(defaults);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toHaveLength(7);
  });
});
