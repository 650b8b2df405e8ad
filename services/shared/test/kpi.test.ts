import { describe, expect, it } from 'vitest';
import { computeKpis } from '../src/kpi.ts';

describe('computeKpis', () => {
  it('derives every KPI from the totals', () => {
    expect(computeKpis({ impressions: 1000, clicks: 20, conversions: 2, bids: 400, wins: 100, spend_micros: 5_000_000, revenue_micros: 15_000_000 })).toEqual({
      spend: 5,
      revenue: 15,
      ctr: 0.02,
      cvr: 0.1,
      cpc: 0.25,
      cpm: 5,
      cpa: 2.5,
      roas: 3,
      win_rate: 0.25,
    });
  });

  it('answers null where a denominator is zero', () => {
    expect(computeKpis({ impressions: 0, clicks: 0, conversions: 0, bids: 0, wins: 0, spend_micros: 0, revenue_micros: 7 })).toEqual({
      spend: 0,
      revenue: 0.000007,
      ctr: null,
      cvr: null,
      cpc: null,
      cpm: null,
      cpa: null,
      roas: null,
      win_rate: null,
    });
  });
});
