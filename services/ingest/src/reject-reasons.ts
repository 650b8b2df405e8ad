import type { EventError } from './validate-batch.ts';

/**
 * Why events were refused, as a short closed set: the `reason` of
 * `adstream.ingest.events.rejected`. Free-text messages and field names would
 * let clients mint unbounded Prometheus series.
 */
export const REJECT_REASONS = [
  'malformed',
  'unknown_field',
  'missing_field',
  'invalid_value',
  'bad_timestamp',
  'tenant_mismatch',
  'too_large',
  'unavailable',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** The reason for one validation error (see event-validation.ts for the messages). */
export function rejectReasonOf(error: EventError): RejectReason {
  if (error.field === '') return 'malformed';
  if (error.message === 'unknown field') return 'unknown_field';
  if (error.message === 'is required') return 'missing_field';
  if (error.field === 'ts') return 'bad_timestamp';
  if (error.field === 'advertiser_id') return 'tenant_mismatch';
  return 'invalid_value';
}

/** Rejected events per reason; an event with several errors counts once, under its first. */
export function countRejectReasons(errors: readonly EventError[]): Map<RejectReason, number> {
  const counts = new Map<RejectReason, number>();
  let lastIndex = -1;
  for (const e of errors) {
    if (e.index === lastIndex) continue;
    lastIndex = e.index;
    const reason = rejectReasonOf(e);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return counts;
}
