import { HttpError } from '@adstream/shared/http/http-error';
import { parseRange, type TimeRange } from './time-range.ts';

export interface RangeLimits {
  defaultSpanMs: number;
  maxSpanMs: number;
  /** Added to a range error, e.g. "for granularity=minute". */
  context?: string;
}

/**
 * The `from`/`to` of a request as a range of whole seconds (events carry
 * second-precision times), or a 400 naming the parameter at fault.
 */
export function requestRange(query: { from?: string; to?: string }, nowMs: number, limits: RangeLimits): TimeRange {
  const result = parseRange(query.from, query.to, nowMs, limits.defaultSpanMs, limits.maxSpanMs);
  if (!result.ok) throw new HttpError(400, `${result.parameter}: ${result.message}${limits.context === undefined ? '' : ` ${limits.context}`}`);
  const range = { fromMs: Math.floor(result.range.fromMs / 1000) * 1000, toMs: Math.floor(result.range.toMs / 1000) * 1000 };
  if (range.fromMs >= range.toMs) throw new HttpError(400, 'from: must be at least one second before to');
  return range;
}

export const rfc3339 = (ms: number) => new Date(ms).toISOString();
