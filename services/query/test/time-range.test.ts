import { describe, expect, it } from 'vitest';
import { parseRange, parseTime } from '../src/time-range.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;

describe('parseTime', () => {
  it('reads RFC 3339 and relative times', () => {
    expect(parseTime('2026-11-22T11:00:00Z', NOW)).toBe(NOW - 3_600_000);
    expect(parseTime('-1h', NOW)).toBe(NOW - 3_600_000);
    expect(parseTime('-7d', NOW)).toBe(NOW - 7 * DAY);
    expect(parseTime('-30m', NOW)).toBe(NOW - 1_800_000);
  });
  it.each(['yesterday', '2026-11-22', '-1y', '1h', '', '-h'])('refuses %j', (v) => {
    expect(parseTime(v, NOW)).toBeUndefined();
  });
});

describe('parseRange', () => {
  it('defaults to the span before now', () => {
    expect(parseRange(undefined, undefined, NOW, DAY, 30 * DAY)).toEqual({ ok: true, range: { fromMs: NOW - DAY, toMs: NOW } });
  });
  it('names the parameter that is wrong', () => {
    expect(parseRange('-1h', '-2h', NOW, DAY, 30 * DAY)).toMatchObject({ ok: false, parameter: 'from', message: 'must be before to' });
    expect(parseRange('nope', undefined, NOW, DAY, 30 * DAY)).toMatchObject({ ok: false, parameter: 'from' });
    expect(parseRange(undefined, 'nope', NOW, DAY, 30 * DAY)).toMatchObject({ ok: false, parameter: 'to' });
    expect(parseRange('-31d', undefined, NOW, DAY, 30 * DAY)).toMatchObject({ ok: false, parameter: 'from', message: 'range must be at most 30 days' });
  });
});
