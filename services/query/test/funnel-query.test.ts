import { describe, expect, it } from 'vitest';
import { clickToConversionSql, funnelSteps, medianFromRow } from '../src/queries/funnel-query.ts';

describe('funnelSteps', () => {
  it('rates each step against the one before, null after a zero', () => {
    expect(funnelSteps(200, 10, 4)).toEqual([
      { step: 'impression', count: 200 },
      { step: 'click', count: 10, rate: 0.05 },
      { step: 'conversion', count: 4, rate: 0.4 },
    ]);
    expect(funnelSteps(0, 0, 2).map((s) => ('rate' in s ? s.rate : 'none'))).toEqual(['none', null, null]);
  });
});

describe('medianFromRow', () => {
  it('averages the two middle delays, and is null without pairs', () => {
    expect(medianFromRow({ n: '3', lower_middle: '300', upper_middle: '300' })).toBe(300);
    expect(medianFromRow({ n: '2', lower_middle: '120', upper_middle: '3600' })).toBe(1860);
    expect(medianFromRow({ n: '0', lower_middle: '0', upper_middle: '0' })).toBeNull();
    expect(medianFromRow(undefined)).toBeNull();
  });
});

describe('clickToConversionSql', () => {
  it('scopes both sides of the join to the tenant and campaign, and looks 30 days back for clicks', () => {
    const from = Date.UTC(2026, 2, 10);
    const sql = clickToConversionSql('db', { tenant: 't1', campaignId: 'c1', range: { fromMs: from, toMs: from + 3_600_000 } });
    expect(sql.match(/tenant_id = 't1' AND campaign_id = 'c1'/g)).toHaveLength(3);
    expect(sql).toContain(`ts >= toDateTime(${from / 1000 - 30 * 86_400})`);
    expect(sql).toContain('ALL INNER JOIN');
  });
});
