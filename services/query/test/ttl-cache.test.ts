import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/stats/ttl-cache.ts';

describe('TtlCache', () => {
  it('shares one computation per key until it is ttl old', async () => {
    let now = 0;
    let calls = 0;
    const cache = new TtlCache<number>(1_000, () => now);
    const compute = async () => ++calls;
    expect(await cache.get('a', compute)).toBe(1);
    now = 999;
    expect(await cache.get('a', compute)).toBe(1);
    expect(await cache.get('b', compute)).toBe(2);
    now = 1_000;
    expect(await cache.get('a', compute)).toBe(3);
  });

  it('hands concurrent callers the same pending promise', async () => {
    let calls = 0;
    const cache = new TtlCache<number>(1_000, () => 0);
    let release!: (v: number) => void;
    const compute = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const a = cache.get('k', compute);
    const b = cache.get('k', compute);
    release(42);
    expect(await Promise.all([a, b])).toEqual([42, 42]);
    expect(calls).toBe(1);
  });

  it('does not keep a failure', async () => {
    const cache = new TtlCache<number>(1_000, () => 0);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 5)).toBe(5);
  });
});
