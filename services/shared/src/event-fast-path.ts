import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { MAX_METADATA_KEYS, MAX_METADATA_VALUE_LENGTH, MAX_METADATA_KEY_LENGTH, MONEY_FIELDS, TEXT_LIMITS, wireEventSchema, type WireEvent } from './event-contract.ts';
import { toMicros } from './money.ts';

/**
 * The contract's zod schema, compiled by ajv from its JSON Schema form. zod
 * spends ~7 µs on any object with this many keys; the compiled check with the
 * normalization below takes ~1 µs. Valid events take this path; anything it
 * does not accept goes to zod, which stays the authority and writes the error
 * messages. A property test checks both paths agree on every input.
 */
const ajv = new Ajv2020({ allErrors: false, validateFormats: false, strict: false });
const validate = ajv.compile(z.toJSONSchema(wireEventSchema, { io: 'input', unrepresentable: 'any' }));

type Raw = Record<string, unknown>;

/** What JSON Schema cannot say as zod does: UTF-16 lengths, money precision, metadata size, normal forms. */
function normalize(input: Raw): WireEvent | undefined {
  const out: Raw = { ...input };
  for (const field of Object.keys(TEXT_LIMITS) as (keyof typeof TEXT_LIMITS)[]) {
    const v = input[field];
    if (typeof v === 'string' && v.length > TEXT_LIMITS[field]) return undefined;
  }
  for (const field of MONEY_FIELDS) {
    if (input[field] === undefined) continue;
    const money = toMicros(input[field]);
    if (!money.ok) return undefined;
    out[field] = money.micros;
  }
  if (typeof input.ts === 'string') out.ts = Date.parse(input.ts);
  if (typeof input.event_id === 'string') out.event_id = input.event_id.toLowerCase();
  if (typeof input.click_id === 'string') out.click_id = input.click_id.toLowerCase();
  if (typeof input.platform === 'string') out.platform = input.platform.toLowerCase();
  if (typeof input.country === 'string') out.country = input.country.toUpperCase();
  if (typeof input.currency === 'string') out.currency = input.currency.toUpperCase();
  if (input.metadata !== undefined) {
    const keys = Object.keys(input.metadata as Raw);
    if (keys.length > MAX_METADATA_KEYS || Object.hasOwn(input.metadata as Raw, '__proto__')) return undefined;
    for (const k of keys) {
      const v = (input.metadata as Raw)[k] as string;
      if (k.length > MAX_METADATA_KEY_LENGTH || v.length > MAX_METADATA_VALUE_LENGTH) return undefined;
    }
    out.metadata = { ...(input.metadata as Raw) };
  }
  return out as WireEvent;
}

/** The parsed event when the input is valid; undefined means "ask zod" (invalid, or an edge the fast path leaves to zod). */
export function parseEventFast(input: unknown): WireEvent | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || !validate(input)) return undefined;
  return normalize(input as Raw);
}
