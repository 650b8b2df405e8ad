import type { z } from 'zod';
import { MAX_FUTURE_SKEW_MS, MIN_TS_MS, wireEventSchema, type WireEvent } from './event-contract.ts';
import { parseEventFast } from './event-fast-path.ts';

export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; event: WireEvent } | { ok: false; errors: FieldError[] };

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : '';
}

function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === undefined;
}

function describe(input: unknown, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: key, message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.path.length === 0) {
      errors.push({ field: '', message: 'event must be a JSON object' });
    } else {
      const field = fieldOf(issue);
      const required = issue.path.length > 0 && isAbsent(input, issue.path);
      errors.push({ field, message: required ? 'is required' : issue.message });
    }
  }
  return errors;
}

/**
 * Checks one wire event against the contract and the rules that need context:
 * the caller's tenant and the receiver's clock.
 */
export function validateEvent(input: unknown, tenant: string, nowMs: number): ValidationResult {
  let event = parseEventFast(input);
  if (event === undefined) {
    const parsed = wireEventSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: describe(input, parsed.error.issues) };
    event = parsed.data;
  }
  const errors: FieldError[] = [];
  // zod drops a "__proto__" record key silently; refuse it rather than lose it.
  const metadata = (input as { metadata?: unknown }).metadata;
  if (metadata !== null && typeof metadata === 'object' && Object.hasOwn(metadata, '__proto__')) {
    errors.push({ field: 'metadata.__proto__', message: 'keys must not be "__proto__"' });
  }
  if (event.ts !== undefined) {
    if (event.ts > nowMs + MAX_FUTURE_SKEW_MS) {
      errors.push({ field: 'ts', message: 'is more than 5 minutes in the future' });
    } else if (event.ts < MIN_TS_MS) {
      errors.push({ field: 'ts', message: 'is before 2000-01-01 (epoch seconds sent as milliseconds?)' });
    }
  }
  if (event.advertiser_id !== undefined && event.advertiser_id !== tenant) {
    errors.push({ field: 'advertiser_id', message: "does not match the API key's tenant (omit it: the server stamps it)" });
  }
  if (event.click_id !== undefined && event.type !== 'conversion') {
    errors.push({ field: 'click_id', message: 'is only allowed on conversion events' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event };
}
