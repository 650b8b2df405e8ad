import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quantileTable } from '../lib/quantile-table.ts';

describe('quantileTable', () => {
  it('gives each category a share of entries within one entry of its weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4096 }), (weights, size) => {
        fc.pre(weights.some((w) => w > 0));
        const table = quantileTable(weights, size);
        expect(table).toHaveLength(size);
        const total = weights.reduce((s, w) => s + w, 0);
        weights.forEach((w, k) => {
          const entries = table.filter((c) => c === k).length;
          expect(Math.abs(entries - (w / total) * size)).toBeLessThanOrEqual(1);
        });
      }),
    );
  });

  it('ascends, so an ascending index picks ascending categories', () => {
    const table = quantileTable([5, 0, 3, 2], 100);
    expect(table).toEqual([...table].sort((a, b) => a - b));
    expect(table).not.toContain(1);
    expect(table.filter((c) => c === 0)).toHaveLength(50);
    expect(table.filter((c) => c === 2)).toHaveLength(30);
  });

  it('refuses weights it cannot draw from', () => {
    expect(() => quantileTable([], 10)).toThrow(/no weights/);
    expect(() => quantileTable([0, 0], 10)).toThrow(/sum to 0/);
    expect(() => quantileTable([1, -1], 10)).toThrow(/bad weight/);
    expect(() => quantileTable([1, Number.NaN], 10)).toThrow(/bad weight/);
    expect(() => quantileTable([1], 0)).toThrow(/bad size/);
  });
});
