import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from '../src/uuid-v7.ts';

describe('uuidv7', () => {
  it('is a valid version-7 UUID carrying its timestamp', () => {
    const ms = Date.parse('2026-11-22T12:34:56.789Z');
    const id = uuidv7(ms);
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    expect(id[19]).toMatch(/[89ab]/);
  });

  it('sorts by time as text and does not repeat', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => uuidv7())).size).toBe(10_000);
  });
});
