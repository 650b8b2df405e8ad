import { describe, expect, it } from 'vitest';
import { RateSampler } from '../src/stats/rate-sampler.ts';

describe('RateSampler', () => {
  it('has no rate until samples span the minimum', () => {
    const s = new RateSampler(10_000, 1_000);
    expect(s.observe(0, 100)).toBeNull();
    expect(s.observe(500, 150)).toBeNull();
    expect(s.observe(1_000, 200)).toBe(100);
  });

  it('measures from the newest sample at least a window old', () => {
    const s = new RateSampler(10_000, 1_000);
    s.observe(0, 0);
    s.observe(5_000, 5_000);
    s.observe(10_000, 10_000);
    // 0 is dropped once 10 000 is a full window old: the rate then spans 10 000 → 20 000 only.
    expect(s.observe(20_000, 40_000)).toBe(3_000);
    expect(s.observe(21_000, 43_000)).toBe(3_000);
  });

  it('keeps the base when requests are far apart, spanning more than the window', () => {
    const s = new RateSampler(10_000, 1_000);
    s.observe(0, 0);
    expect(s.observe(60_000, 600)).toBe(10);
  });

  it('starts over when the counter goes backwards (stream recreated)', () => {
    const s = new RateSampler(10_000, 1_000);
    s.observe(0, 1_000);
    expect(s.observe(2_000, 3_000)).toBe(1_000);
    expect(s.observe(3_000, 10)).toBeNull();
    expect(s.observe(4_000, 20)).toBe(10);
  });

  it('reports zero for a counter that does not move', () => {
    const s = new RateSampler(10_000, 1_000);
    s.observe(0, 7);
    expect(s.observe(2_000, 7)).toBe(0);
  });
});
