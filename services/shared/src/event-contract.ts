import { z } from 'zod';
import { toMicros } from './money.ts';

/** The wire contract of one event (DESIGN.md, "Public contract"). */
export const EVENT_TYPES = ['impression', 'click', 'conversion', 'bid', 'win'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const DEVICES = ['mobile', 'desktop', 'tablet', 'ctv', 'other'] as const;
export type Device = (typeof DEVICES)[number];

export const MAX_METADATA_KEYS = 32;
/** Free-text fields and their maximum lengths in UTF-16 code units (JavaScript string length). */
export const TEXT_LIMITS = { platform: 32, os: 64, browser: 64, region: 128, city: 128 } as const;
export const MONEY_FIELDS = ['bid_price', 'win_price', 'cost', 'revenue'] as const;
export const MAX_METADATA_KEY_LENGTH = 64;
export const MAX_METADATA_VALUE_LENGTH = 512;
/** Events this far ahead of the receiver's clock are refused: clock skew, not data. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Earlier timestamps are almost always epoch seconds sent where milliseconds belong. */
export const MIN_TS_MS = Date.UTC(2000, 0, 1);

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters');
const uuid = z.uuid('must be a UUID').transform((s) => s.toLowerCase());
const money = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const result = toMicros(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.micros;
});
const timestamp = z.union([
  z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time or epoch milliseconds' }).transform((s) => Date.parse(s)),
  z.number().int('must be whole epoch milliseconds').nonnegative('must be ≥ 0'),
]);

export const wireEventSchema = z.strictObject({
  type: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
  campaign_id: identifier,
  event_id: uuid.optional(),
  ts: timestamp.optional(),
  advertiser_id: identifier.optional(),
  ad_group_id: identifier.optional(),
  ad_id: identifier.optional(),
  creative_id: identifier.optional(),
  platform: text(TEXT_LIMITS.platform).transform((s) => s.toLowerCase()).optional(),
  publisher_id: identifier.optional(),
  site_id: identifier.optional(),
  placement_id: identifier.optional(),
  user_id: identifier.optional(),
  session_id: identifier.optional(),
  device: z.enum(DEVICES, { message: `must be one of ${DEVICES.join(', ')}` }).optional(),
  os: text(TEXT_LIMITS.os).optional(),
  browser: text(TEXT_LIMITS.browser).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .transform((s) => s.toUpperCase())
    .optional(),
  region: text(TEXT_LIMITS.region).optional(),
  city: text(TEXT_LIMITS.city).optional(),
  bid_price: money.optional(),
  win_price: money.optional(),
  cost: money.optional(),
  revenue: money.optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code')
    .transform((s) => s.toUpperCase())
    .optional(),
  click_id: uuid.optional(),
  metadata: z
    .record(
      z.string().min(1, 'keys must not be empty').max(MAX_METADATA_KEY_LENGTH, `keys must be at most ${MAX_METADATA_KEY_LENGTH} characters`),
      z.string({ message: 'values must be strings' }).max(MAX_METADATA_VALUE_LENGTH, `values must be at most ${MAX_METADATA_VALUE_LENGTH} characters`),
    )
    .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `must have at most ${MAX_METADATA_KEYS} keys`)
    .optional(),
});

export type WireEvent = z.output<typeof wireEventSchema>;
