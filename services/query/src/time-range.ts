import { z } from 'zod';

const RELATIVE = /^-(\d{1,6})([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A time parameter: RFC 3339, or relative to now such as `-1h` or `-7d`. */
export function parseTime(value: string, nowMs: number): number | undefined {
  const rel = RELATIVE.exec(value);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return undefined;
  return Date.parse(value);
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export type RangeResult = { ok: true; range: TimeRange } | { ok: false; parameter: 'from' | 'to'; message: string };

export function parseRange(from: string | undefined, to: string | undefined, nowMs: number, defaultSpanMs: number, maxSpanMs: number): RangeResult {
  const toMs = to === undefined ? nowMs : parseTime(to, nowMs);
  if (toMs === undefined) return { ok: false, parameter: 'to', message: 'must be RFC 3339 or relative like -1h, -7d' };
  const fromMs = from === undefined ? toMs - defaultSpanMs : parseTime(from, nowMs);
  if (fromMs === undefined) return { ok: false, parameter: 'from', message: 'must be RFC 3339 or relative like -1h, -7d' };
  if (fromMs >= toMs) return { ok: false, parameter: 'from', message: 'must be before to' };
  if (toMs - fromMs > maxSpanMs) return { ok: false, parameter: 'from', message: `range must be at most ${Math.round(maxSpanMs / 86_400_000)} days` };
  return { ok: true, range: { fromMs, toMs } };
}
