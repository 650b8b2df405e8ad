/** Series granularities of the insights endpoint, with their range limits. */
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const GRANULARITY_SECONDS: Readonly<Record<Granularity, number>> = { minute: 60, hour: 3_600, day: 86_400 };

/** Longest range per granularity: about 4,300 minute, 2,200 hour or 800 day buckets at most. */
export const MAX_SPAN_MS: Readonly<Record<Granularity, number>> = { minute: 3 * DAY_MS, hour: 93 * DAY_MS, day: 800 * DAY_MS };

/** The range when `from` is absent: `to` minus this. */
export const DEFAULT_SPAN_MS: Readonly<Record<Granularity, number>> = { minute: 6 * HOUR_MS, hour: 7 * DAY_MS, day: 90 * DAY_MS };

/** The granularity used when none is asked for: a few hundred buckets at most. */
export function defaultGranularity(spanMs: number): Granularity {
  if (spanMs <= 6 * HOUR_MS) return 'minute';
  if (spanMs <= 14 * DAY_MS) return 'hour';
  return 'day';
}
