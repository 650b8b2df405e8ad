import { z } from 'zod';

const count = z.number().int().nonnegative();
const money = z.number().nonnegative().meta({ description: 'currency units (stored as integer micros)' });
const ratio = (definition: string) => z.number().nullable().meta({ description: `${definition}; null when the denominator is 0` });

/** The fields of a Measures object, to spread into objects that carry them beside other fields. */
export const measuresShape = {
  impressions: count,
  clicks: count,
  conversions: count,
  bids: count,
  wins: count,
  unique_users: count.meta({ description: 'distinct user_id values (events without one are not counted)' }),
  spend: money.meta({ description: 'Σ cost, currency units' }),
  revenue: money.meta({ description: 'Σ revenue, currency units' }),
  ctr: ratio('clicks / impressions'),
  cvr: ratio('conversions / clicks'),
  cpc: ratio('spend / clicks'),
  cpm: ratio('1000 · spend / impressions'),
  cpa: ratio('spend / conversions'),
  roas: ratio('revenue / spend'),
  win_rate: ratio('wins / bids'),
};

export const measuresSchema = z.object(measuresShape).meta({ id: 'Measures', description: 'Counts, money and KPIs of DESIGN.md over a set of events' });
export type Measures = z.output<typeof measuresSchema>;
export type MeasureKey = keyof Measures;
export const MEASURE_KEYS = Object.keys(measuresShape) as MeasureKey[];
