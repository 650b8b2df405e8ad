import { z } from 'zod';
import { parseTime } from '../time-range.ts';

/** zod's error option: "is required" for an absent value, else what it must be. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

/** Campaign, ad, creative… ids as the event contract accepts them. */
export const idParam = z
  .string(expected('a string'))
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const timeParam = z
  .string(expected('a string'))
  .refine((value) => parseTime(value, 0) !== undefined, 'must be RFC 3339 or relative like -1h, -7d')
  .meta({ description: 'RFC 3339 (2026-01-15T10:00:00Z) or relative to now (-90s, -15m, -1h, -7d, -2w)', example: '-1h' });

/** Platforms are stored lower-cased (ingest folds them), so the filter is folded too. */
export const platformParam = z
  .string(expected('a string'))
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters')
  .transform((s) => s.toLowerCase())
  .meta({ description: 'only events of this platform (case-insensitive)', example: 'meta' });

export const limitParam = (fallback: number, max: number) =>
  z.coerce
    .number(expected('a number'))
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback)
    .meta({ description: `rows to return, 1..${max} (default ${fallback})` });

export const choiceParam = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, expected(`one of ${values.join(', ')}`));
