/** Additive totals every KPI is derived from; money in micros. */
export interface Totals {
  impressions: number;
  clicks: number;
  conversions: number;
  bids: number;
  wins: number;
  spend_micros: number;
  revenue_micros: number;
}

export interface Kpis {
  spend: number;
  revenue: number;
  ctr: number | null;
  cvr: number | null;
  cpc: number | null;
  cpm: number | null;
  cpa: number | null;
  roas: number | null;
  win_rate: number | null;
}

const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/** The KPI definitions of DESIGN.md; division by zero yields null, never Infinity or NaN. */
export function computeKpis(t: Totals): Kpis {
  const spend = t.spend_micros / 1_000_000;
  const revenue = t.revenue_micros / 1_000_000;
  const cpm = ratio(spend, t.impressions);
  return {
    spend,
    revenue,
    ctr: ratio(t.clicks, t.impressions),
    cvr: ratio(t.conversions, t.clicks),
    cpc: ratio(spend, t.clicks),
    cpm: cpm === null ? null : cpm * 1000,
    cpa: ratio(spend, t.conversions),
    roas: ratio(revenue, spend),
    win_rate: ratio(t.wins, t.bids),
  };
}
