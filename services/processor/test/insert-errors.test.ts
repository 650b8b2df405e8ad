import { describe, expect, it } from 'vitest';
import { isDataError } from '../src/insert-errors.ts';

const clickhouse = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDataError', () => {
  it.each([
    ['117', 'Unknown field found while parsing JSONEachRow format: type: (at row 1)'],
    ['27', 'Cannot parse input: expected , before: x'],
    // As ClickHouse 18.16 words an unknown enum value, under a generic code:
    ['49', "Unknown element 'refund' for type Enum8('unknown' = 0, 'mobile' = 1): (while read the value of key d)"],
    ['691', "Unknown element 'refund' for enum"],
  ])('treats ClickHouse %s "%s" as bad data', (code, message) => {
    expect(isDataError(clickhouse(code, message))).toBe(true);
  });

  it('reads the code from an 18.16 error text the client left unparsed', () => {
    const err = new Error("Code: 49, e.displayText() = DB::Exception: Unknown element 'refund' for type Enum8('impression' = 1): (while read the value of key type), e.what() = DB::Exception");
    expect(isDataError(err)).toBe(true);
    expect(isDataError(new Error('Code: 252, e.displayText() = DB::Exception: Too many parts (300)'))).toBe(false);
  });

  it.each([
    [clickhouse('252', 'Too many parts (300). Merges are processing significantly slower than inserts'), 'too many parts'],
    [clickhouse('241', 'Memory limit (for query) exceeded'), 'memory limit'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'connection refused'],
    [new Error('Timeout error.'), 'timeout'],
  ])('treats %s as transient (%s)', (err) => {
    expect(isDataError(err)).toBe(false);
  });
});
