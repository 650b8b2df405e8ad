import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wireEventSchema } from '../src/event-contract.ts';
import { parseEventFast } from '../src/event-fast-path.ts';

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', 'meta', 'GOOGLE', 'de', 'DE', 'eur', 'a\u0000b', '\u{1F600}'.repeat(17), 'x'.repeat(129)),
);
const money = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.constantFrom('0.1', '1e3', '-1', '12.3456789', '1000000001', '007', '0.000001'), text);
const uuid = fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), text);
const ts = fc.oneof(
  fc.integer({ min: -1, max: 4_102_444_800_000 }),
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4_102_444_800_000) }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-22T12:00:00+01:00', '2026-11-22', '2026-02-30T00:00:00Z', 1.5),
  text,
);
const anything = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
const metadata = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 520 }), { maxKeys: 35 }),
  fc.dictionary(fc.string({ maxLength: 5 }), anything, { maxKeys: 3 }),
  anything,
);

/** Objects near the contract: mostly the right fields with plausible and implausible values, sometimes extra keys. */
const candidate = fc.record(
  {
    type: fc.oneof(fc.constantFrom('impression', 'click', 'conversion', 'bid', 'win'), text),
    campaign_id: fc.oneof(fc.constantFrom('c1', 'camp-9'), text),
    event_id: uuid,
    click_id: uuid,
    ts,
    advertiser_id: text,
    ad_id: fc.oneof(fc.constant('ad-1'), text, anything),
    platform: text,
    device: fc.oneof(fc.constantFrom('mobile', 'desktop', 'tablet', 'ctv', 'other'), text),
    os: text,
    city: text,
    country: text,
    currency: text,
    cost: money,
    revenue: money,
    bid_price: money,
    metadata,
    unknown_field: anything,
  },
  { requiredKeys: [] },
);

describe('fast path', () => {
  it('accepts exactly what zod accepts, with identical output (or defers to zod)', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, anything), (input) => {
        const fast = parseEventFast(structuredClone(input));
        const slow = wireEventSchema.safeParse(input);
        if (fast !== undefined) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
        if (!slow.success) expect(fast).toBeUndefined();
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on mostly-valid events, and most of them take the fast path', () => {
    const validish = fc.record(
      {
        type: fc.constantFrom('impression', 'click', 'conversion', 'bid', 'win'),
        campaign_id: fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
        event_id: fc.oneof(fc.uuid({ version: 7 }), fc.uuid({ version: 4 }).map((u) => u.toUpperCase())),
        ts: fc.oneof(fc.integer({ min: 946_684_800_000, max: 1_900_000_000_000 }), fc.constantFrom('2026-11-22T12:00:00.123+02:00', '2025-01-01T00:00:00Z')),
        platform: fc.oneof(fc.constantFrom('Meta', 'google', 'TikTok'), fc.string({ unit: 'grapheme', maxLength: 20 })),
        device: fc.constantFrom('mobile', 'desktop', 'tablet', 'ctv', 'other'),
        country: fc.stringMatching(/^[A-Za-z]{2}$/),
        currency: fc.stringMatching(/^[A-Za-z]{3}$/),
        cost: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 10 ** 9 }).map((n) => (n / 1e6).toString()), fc.double({ min: 0, max: 100 })),
        city: fc.string({ unit: 'grapheme', maxLength: 70 }),
        metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ maxLength: 40 }), { maxKeys: 33 }),
      },
      { requiredKeys: ['type', 'campaign_id'] },
    );
    let fastAccepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(validish, (input) => {
        runs++;
        const fast = parseEventFast(structuredClone(input));
        const slow = wireEventSchema.safeParse(input);
        if (fast !== undefined) {
          fastAccepted++;
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
        if (!slow.success) expect(fast).toBeUndefined();
      }),
      { numRuns: 10_000 },
    );
    expect(fastAccepted / runs).toBeGreaterThan(0.3);
  });

  it('takes the common valid event', () => {
    const e = { type: 'click', campaign_id: 'c', platform: 'Meta', cost: 0.25, country: 'fr', ts: '2026-11-22T12:00:00Z', metadata: { k: 'v' } };
    expect(parseEventFast(e)).toEqual({ type: 'click', campaign_id: 'c', platform: 'meta', cost: 250_000, country: 'FR', ts: Date.parse('2026-11-22T12:00:00Z'), metadata: { k: 'v' } });
  });
});
