import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/batcher.ts';

describe('Batcher', () => {
  const limits = { maxRows: 10, maxBytes: 1000, maxAgeMs: 250 };

  it('is due by row count, byte size or age of the oldest item', () => {
    const rows = new Batcher<string>(limits);
    rows.add('a', 9, 10, 0);
    expect(rows.isDue(1)).toBe(false);
    rows.add('b', 1, 10, 1);
    expect(rows.isFull()).toBe(true);

    const bytes = new Batcher<string>(limits);
    bytes.add('a', 1, 1000, 0);
    expect(bytes.isDue(0)).toBe(true);

    const age = new Batcher<string>(limits);
    age.add('a', 1, 1, 100);
    age.add('b', 1, 1, 300);
    expect(age.isDue(349)).toBe(false);
    expect(age.isDue(350)).toBe(true);
  });

  it('is never due when empty, and drains everything it holds', () => {
    const b = new Batcher<string>(limits);
    expect(b.isDue(1e12)).toBe(false);
    b.add('a', 3, 1, 0);
    b.add('b', 4, 1, 0);
    expect(b.rows).toBe(7);
    expect(b.drain()).toEqual(['a', 'b']);
    expect(b.size).toBe(0);
    expect(b.rows).toBe(0);
    expect(b.isDue(1e12)).toBe(false);
  });
});
