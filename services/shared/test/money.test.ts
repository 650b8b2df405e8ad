import { describe, expect, it } from 'vitest';
import { toMicros } from '../src/money.ts';

describe('toMicros', () => {
  it.each([
    [0, 0],
    [1, 1_000_000],
    [0.1, 100_000],
    [0.3, 300_000],
    ['2.5', 2_500_000],
    ['0.000001', 1],
    [123.456789, 123_456_789],
    ['1000000000', 1_000_000_000_000_000],
  ])('%s units are %s micros, exactly', (input, micros) => {
    expect(toMicros(input)).toEqual({ ok: true, micros });
  });

  it.each([
    [-1, 'must be ≥ 0'],
    ['-0.5', 'must be ≥ 0'],
    [0.0000001, 'at most 6 fraction digits'],
    ['1.1234567', 'at most 6 fraction digits'],
    ['1e3', 'at most 6 fraction digits'],
    ['01.5', 'at most 6 fraction digits'],
    [Number.NaN, 'finite'],
    [Number.POSITIVE_INFINITY, 'finite'],
    ['1000000001', '≤ 1000000000'],
    [true, 'decimal number'],
  ])('%s is refused (%s)', (input, message) => {
    const result = toMicros(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});
