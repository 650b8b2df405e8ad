import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSegments } from '../src/queries/rollup-plan.ts';

const DAY = { name: 'day', bucketSeconds: 86_400 };
const HOUR = { name: 'hour', bucketSeconds: 3_600 };
const MINUTE = { name: 'minute', bucketSeconds: 60 };
const RAW = { name: 'raw', bucketSeconds: 1 };
const LADDER = [DAY, HOUR, MINUTE, RAW];
const D = Date.UTC(2026, 2, 10) / 1000;

const plan = (from: number, to: number, ladder = LADDER) => planSegments(from, to, ladder).map((s) => [s.source.name, s.fromS - D, s.toS - D]);

describe('planSegments', () => {
  it('reads whole days from the day rollup', () => {
    expect(plan(D, D + 2 * 86_400)).toEqual([['day', 0, 172_800]]);
  });

  it('reads the edges of a range from finer sources, down to raw seconds', () => {
    // 10:00:40 on day 1 to 05:30:20 on day 3.
    expect(plan(D + 36_040, D + 2 * 86_400 + 19_820)).toEqual([
      ['raw', 36_040, 36_060],
      ['minute', 36_060, 39_600],
      ['hour', 39_600, 86_400],
      ['day', 86_400, 172_800],
      ['hour', 172_800, 190_800],
      ['minute', 190_800, 192_600],
      ['raw', 192_600, 192_620],
    ]);
  });

  it('falls through to a finer source when no whole bucket fits', () => {
    expect(plan(D + 3_600, D + 7_200)).toEqual([['hour', 3_600, 7_200]]);
    expect(plan(D + 20, D + 50)).toEqual([['raw', 20, 50]]);
    expect(plan(D + 60, D + 3_659)).toEqual([
      ['minute', 60, 3_600],
      ['raw', 3_600, 3_659],
    ]);
  });

  it('uses only the sources it is given', () => {
    expect(plan(D + 36_040, D + 43_300, [HOUR, RAW])).toEqual([
      ['raw', 36_040, 39_600],
      ['hour', 39_600, 43_200],
      ['raw', 43_200, 43_300],
    ]);
    expect(plan(D + 36_040, D + 39_700, [HOUR, RAW])).toEqual([['raw', 36_040, 39_700]]);
    expect(plan(D, D, LADDER)).toEqual([]);
  });

  it('refuses a ladder that cannot reach single seconds', () => {
    expect(() => planSegments(D + 1, D + 70, [HOUR, MINUTE])).toThrow(/1-second/);
  });

  it('covers any range exactly once, each segment made of whole buckets of its source', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 }), fc.integer({ min: 1, max: 10 * 86_400 }), (start, length) => {
        const segments = planSegments(D + start, D + start + length, LADDER);
        let cursor = D + start;
        for (const s of segments) {
          expect(s.fromS).toBe(cursor);
          expect(s.toS).toBeGreaterThan(s.fromS);
          expect(s.fromS % s.source.bucketSeconds).toBe(0);
          expect(s.toS % s.source.bucketSeconds).toBe(0);
          cursor = s.toS;
        }
        expect(cursor).toBe(D + start + length);
        // Never more than two edges per finer level.
        expect(segments.length).toBeLessThanOrEqual(7);
      }),
    );
  });
});
