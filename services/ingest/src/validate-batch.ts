import { toRowLine } from '@adstream/shared/event-row';
import { validateEvent, type FieldError } from '@adstream/shared/event-validation';

export interface EventError extends FieldError {
  index: number;
}

/** Placeholder for an NDJSON line that was not valid JSON, so its index can be reported. */
export class UnparseableLine {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export interface ValidatedBatch {
  rows: string[];
  eventIds: string[];
  rejected: number;
  /** Repeats of an event_id within this request: accepted (idempotent), stored once. */
  duplicates: number;
  errors: EventError[];
}

/**
 * Validates a request's events and turns the valid ones into `events` rows:
 * stamps the tenant, assigns ids and receive times where absent, and keeps
 * only the first occurrence of an event_id within the request.
 */
export function validateBatch(items: readonly unknown[], tenant: string, nowMs: number, newId: () => string): ValidatedBatch {
  const out: ValidatedBatch = { rows: [], eventIds: [], rejected: 0, duplicates: 0, errors: [] };
  const seen = new Set<string>();
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item instanceof UnparseableLine) {
      out.rejected++;
      out.errors.push({ index, field: '', message: item.message });
      continue;
    }
    const result = validateEvent(item, tenant, nowMs);
    if (!result.ok) {
      out.rejected++;
      for (const e of result.errors) out.errors.push({ index, ...e });
      continue;
    }
    const event = result.event;
    const eventId = event.event_id ?? newId();
    if (seen.has(eventId)) {
      out.duplicates++;
      continue;
    }
    seen.add(eventId);
    out.eventIds.push(eventId);
    out.rows.push(toRowLine(event, eventId, tenant, event.ts ?? nowMs, nowMs));
  }
  return out;
}
