import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.ts';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 5000 };
  it('doubles per attempt within [ceiling/2, ceiling] and stops at the maximum', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(30, policy, () => 1)).toBe(5000);
    expect(backoffDelay(30, policy, () => 0)).toBe(2500);
  });
});
