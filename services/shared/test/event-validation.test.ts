import { describe, expect, it } from 'vitest';
import { validateEvent } from '../src/event-validation.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const ok = (input: unknown) => {
  const r = validateEvent(input, 'acme', NOW);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
};
const errors = (input: unknown) => {
  const r = validateEvent(input, 'acme', NOW);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('validateEvent', () => {
  it('accepts the minimal event', () => {
    expect(ok({ type: 'click', campaign_id: 'c1' })).toEqual({ type: 'click', campaign_id: 'c1' });
  });

  it('normalizes what has one canonical form', () => {
    const e = ok({
      type: 'conversion',
      campaign_id: 'c1',
      event_id: '0190B6B0-0000-7000-8000-00000000000A',
      click_id: '0190b6b0-0000-7000-8000-00000000000b',
      ts: '2026-11-22T13:00:00+01:00',
      country: 'de',
      currency: 'eur',
      platform: 'Meta',
      revenue: '12.5',
      metadata: { a: 'b' },
    });
    expect(e.event_id).toBe('0190b6b0-0000-7000-8000-00000000000a');
    expect(e.ts).toBe(NOW);
    expect(e.country).toBe('DE');
    expect(e.currency).toBe('EUR');
    expect(e.platform).toBe('meta');
    expect(e.revenue).toBe(12_500_000);
  });

  it('takes epoch milliseconds', () => {
    expect(ok({ type: 'bid', campaign_id: 'c', ts: NOW - 1000 }).ts).toBe(NOW - 1000);
  });

  it('names every problem with its field', () => {
    expect(errors({ campaign_id: '', cost: -1, device: 'phone', extra: 1 })).toEqual(
      expect.arrayContaining([
        { field: 'type', message: 'is required' },
        { field: 'campaign_id', message: 'must not be empty' },
        { field: 'cost', message: 'must be ≥ 0' },
        { field: 'device', message: 'must be one of mobile, desktop, tablet, ctv, other' },
        { field: 'extra', message: 'unknown field' },
      ]),
    );
  });

  it('refuses a non-object', () => {
    expect(errors('click')).toEqual([{ field: '', message: 'event must be a JSON object' }]);
    expect(errors(null)).toEqual([{ field: '', message: 'event must be a JSON object' }]);
  });

  it('refuses timestamps too far ahead and epoch seconds', () => {
    expect(errors({ type: 'click', campaign_id: 'c', ts: NOW + 6 * 60_000 })).toEqual([{ field: 'ts', message: 'is more than 5 minutes in the future' }]);
    expect(ok({ type: 'click', campaign_id: 'c', ts: NOW + 4 * 60_000 }).ts).toBe(NOW + 4 * 60_000);
    expect(errors({ type: 'click', campaign_id: 'c', ts: 1_763_800_000 })[0]!.field).toBe('ts');
    expect(errors({ type: 'click', campaign_id: 'c', ts: '2026-11-22' })[0]!.field).toBe('ts');
  });

  it('accepts late events', () => {
    expect(ok({ type: 'click', campaign_id: 'c', ts: '2026-10-01T00:00:00Z' }).ts).toBe(Date.parse('2026-10-01T00:00:00Z'));
  });

  it('never trusts advertiser_id from the body', () => {
    expect(ok({ type: 'click', campaign_id: 'c', advertiser_id: 'acme' }).advertiser_id).toBe('acme');
    expect(errors({ type: 'click', campaign_id: 'c', advertiser_id: 'other' })[0]!.field).toBe('advertiser_id');
  });

  it('allows click_id only on conversions', () => {
    expect(errors({ type: 'click', campaign_id: 'c', click_id: '0190b6b0-0000-7000-8000-00000000000b' })[0]!.field).toBe('click_id');
  });

  it('bounds metadata and strings', () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(errors({ type: 'click', campaign_id: 'c', metadata: many })[0]!.field).toBe('metadata');
    expect(errors({ type: 'click', campaign_id: 'c', metadata: { a: 1 } })[0]!.field).toBe('metadata.a');
    expect(errors({ type: 'click', campaign_id: 'c', metadata: { a: { b: 'c' } } })[0]!.field).toBe('metadata.a');
    expect(errors({ type: 'click', campaign_id: 'c', platform: 'x'.repeat(33) })[0]!.field).toBe('platform');
    expect(errors(JSON.parse('{"type":"click","campaign_id":"c","metadata":{"__proto__":"x"}}'))[0]!.message).toBe('keys must not be "__proto__"');
    expect(errors({ type: 'click', campaign_id: 'c', city: 'a\u0000b' })[0]!.field).toBe('city');
    expect(errors({ type: 'click', campaign_id: 'c'.repeat(129) })[0]!.field).toBe('campaign_id');
  });
});
