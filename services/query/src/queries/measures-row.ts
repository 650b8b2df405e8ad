import { computeKpis, type Totals } from '@adstream/shared/kpi';
import type { Measures } from '../schemas/measures.ts';
import type { MeasuresRow } from './measures-sql.ts';

/** A measuresSql row as a Measures object. 64-bit integers arrive quoted in JSON; an absent row is all zeros. */
export function measuresFromRow(row: MeasuresRow | undefined): Measures {
  const totals: Totals = {
    impressions: Number(row?.impressions ?? 0),
    clicks: Number(row?.clicks ?? 0),
    conversions: Number(row?.conversions ?? 0),
    bids: Number(row?.bids ?? 0),
    wins: Number(row?.wins ?? 0),
    spend_micros: Number(row?.spend_micros ?? 0),
    revenue_micros: Number(row?.revenue_micros ?? 0),
  };
  const { spend_micros: _spend, revenue_micros: _revenue, ...counts } = totals;
  return { ...counts, unique_users: Number(row?.unique_users ?? 0), ...computeKpis(totals) };
}
