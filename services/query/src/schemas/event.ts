import { z } from 'zod';
import { DEVICES, EVENT_TYPES } from '@adstream/shared/event-contract';

const optionalText = z.string().nullable();
const money = z.number().nonnegative().meta({ description: 'currency units; 0 when the event had none' });

/** A stored event under the contract's field names; null where the event left a field out. */
export const storedEventSchema = z
  .object({
    event_id: z.string(),
    type: z.enum(EVENT_TYPES),
    campaign_id: z.string(),
    ts: z.string().meta({ description: 'event time, RFC 3339 UTC (second precision)' }),
    received_at: z.string().meta({ description: 'when ingest received it, RFC 3339 UTC' }),
    ad_group_id: optionalText,
    ad_id: optionalText,
    creative_id: optionalText,
    platform: optionalText,
    publisher_id: optionalText,
    site_id: optionalText,
    placement_id: optionalText,
    user_id: optionalText,
    session_id: optionalText,
    device: z.enum(DEVICES).nullable(),
    os: optionalText,
    browser: optionalText,
    country: optionalText,
    region: optionalText,
    city: optionalText,
    bid_price: money,
    win_price: money,
    cost: money,
    revenue: money,
    currency: optionalText,
    click_id: optionalText,
    metadata: z.record(z.string(), z.string()),
  })
  .meta({ id: 'StoredEvent' });

export type StoredEvent = z.output<typeof storedEventSchema>;
