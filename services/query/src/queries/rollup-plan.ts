/** One part of a time range and the source that answers it; times in epoch seconds. */
export interface Segment<S> {
  source: S;
  fromS: number;
  toS: number;
}

/**
 * Splits [fromS, toS) over `ladder` (coarsest first, the last with 1-second
 * buckets): the whole buckets of a source inside the range are read from it,
 * and what is left at either end goes one step finer. No bucket is read that
 * reaches outside the range, so nothing is over- or under-counted, and the
 * finer sources only see the edges (for a day-aligned middle: at most 23
 * hours, 59 minutes and 59 seconds on each side).
 */
export function planSegments<S extends { bucketSeconds: number }>(fromS: number, toS: number, ladder: readonly S[]): Segment<S>[] {
  if (fromS >= toS) return [];
  const [source, ...finer] = ladder;
  if (source === undefined) throw new Error('the source ladder must end with 1-second buckets');
  const size = source.bucketSeconds;
  if (finer.length === 0 && size !== 1) throw new Error('the source ladder must end with 1-second buckets');
  const start = Math.ceil(fromS / size) * size;
  const end = Math.floor(toS / size) * size;
  if (start >= end) return planSegments(fromS, toS, finer);
  return [...planSegments(fromS, start, finer), { source, fromS: start, toS: end }, ...planSegments(end, toS, finer)];
}
