import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../src/stats/concurrency-limiter.ts';

describe('ConcurrencyLimiter', () => {
  it('allows up to max per key, independently per key, and frees a slot on release', () => {
    const l = new ConcurrencyLimiter(2);
    expect(l.tryAcquire('a')).toBe(true);
    expect(l.tryAcquire('a')).toBe(true);
    expect(l.tryAcquire('a')).toBe(false);
    expect(l.tryAcquire('b')).toBe(true);
    l.release('a');
    expect(l.open('a')).toBe(1);
    expect(l.tryAcquire('a')).toBe(true);
    l.release('a');
    l.release('a');
    expect(l.open('a')).toBe(0);
  });
});
