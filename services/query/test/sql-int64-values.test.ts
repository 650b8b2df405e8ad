import { describe, expect, it } from 'vitest';
import { convertInt64 } from '../src/sql/int64-values.ts';

describe('64-bit integers in SQL answers', () => {
  it('become numbers where exact and stay strings beyond 2^53', () => {
    const columns = [
      { name: 'n', type: 'UInt64' },
      { name: 'm', type: 'Nullable(Int64)' },
      { name: 'a', type: 'Array(UInt64)' },
      { name: 's', type: 'String' },
      { name: 'big', type: 'UInt128' },
    ];
    expect(
      convertInt64(columns, [
        ['5', null, ['1', '18446744073709551615'], '7', '340282366920938463463374607431768211455'],
        ['9007199254740993', '-42', [], 'x', '1'],
      ]),
    ).toEqual([
      [5, null, [1, '18446744073709551615'], '7', '340282366920938463463374607431768211455'],
      ['9007199254740993', -42, [], 'x', '1'],
    ]);
  });

  it('leaves rows without 64-bit columns as they are', () => {
    const rows = [[1, 'a']];
    expect(convertInt64([{ name: 'x', type: 'UInt8' }, { name: 'y', type: 'String' }], rows)).toBe(rows);
  });
});
