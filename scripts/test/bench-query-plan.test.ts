import { describe, expect, it } from 'vitest';
import { chunkAuctions, datasetEndSec, planDataset } from '../lib/bench-query-plan.ts';
import { decideReuse, type DatasetManifest } from '../lib/bench-query-manifest.ts';
import { dayWeights } from '../lib/bench-query-dataset.ts';

const request = { events: 50_000_000, seed: 1, days: 35, campaignsPerTenant: 300 };

describe('planDataset', () => {
  it('spreads slightly more auctions than the mean chain length predicts, so the last chunk can stop at the exact total', () => {
    const plan = planDataset(request, 1_795_000_000, 1.05);
    expect(plan.auctions).toBeGreaterThan(50_000_000 / 1.05);
    expect(plan.auctions).toBeLessThan((50_000_000 / 1.05) * 1.01);
    expect(plan).toMatchObject({ seed: 1, days: 35, endSec: 1_795_000_000, campaignsPerTenant: 300 });
  });

  it('gives tenants about one user per 20 events', () => {
    expect(planDataset(request, 0, 1).usersPerWeight * 100).toBe(2_500_000);
    expect(planDataset({ ...request, events: 1000 }, 0, 1).usersPerWeight).toBe(10);
  });

  it('refuses a mean below one event per auction', () => {
    expect(() => planDataset(request, 0, 0.5)).toThrow(/mean chain length/);
    expect(() => planDataset(request, 0, Number.NaN)).toThrow(/mean chain length/);
  });
});

describe('datasetEndSec and chunkAuctions', () => {
  it('end the data at the start of the current UTC hour', () => {
    expect(datasetEndSec(Date.UTC(2026, 10, 22, 5, 59, 59, 999))).toBe(Date.UTC(2026, 10, 22, 5) / 1000);
  });

  it('size chunks in auctions for the wanted events per insert', () => {
    expect(chunkAuctions(2_000_000, 1.05)).toBe(1_904_762);
    expect(chunkAuctions(1, 4)).toBe(1);
  });
});

describe('dayWeights', () => {
  it('weighs weekends lower and grows over the period', () => {
    // 2026-11-22 05:00 UTC is a Sunday; 14 days back the first day runs Sunday 05:00 to Monday 05:00.
    const w = dayWeights({ days: 14, endSec: Date.UTC(2026, 10, 22, 5) / 1000 });
    expect(w).toHaveLength(14);
    expect(w[0]).toBeCloseTo(0.8);
    expect(w[1]).toBeCloseTo(1 + 0.3 / 13);
    expect(w[6]! / w[5]!).toBeCloseTo(0.8 * ((1 + (0.3 * 6) / 13) / (1 + (0.3 * 5) / 13)));
    expect(w[13]).toBeCloseTo(1.3 * 0.8);
  });
});

describe('decideReuse', () => {
  const manifest: DatasetManifest = {
    request,
    plan: { seed: 1, days: 35, endSec: 0, campaignsPerTenant: 300, usersPerWeight: 25_000, auctions: 47_600_000 },
    load: { rows: 50_000_000, seconds: 400, rowsPerSecond: 125_000 },
    loadedAt: '2026-11-22T05:00:00.000Z',
  };

  it('reuses only when asked and the kept data set was made from the same request', () => {
    expect(decideReuse(true, manifest, request)).toEqual({ reuse: true });
    expect(decideReuse(false, manifest, request)).toEqual({ reuse: false, reason: 'no --reuse given' });
    expect(decideReuse(true, undefined, request)).toEqual({ reuse: false, reason: 'no loaded data set found' });
    expect(decideReuse(true, manifest, { ...request, events: 2_000_000 })).toEqual({
      reuse: false,
      reason: 'the loaded data set has --events 50000000 --seed 1 --days 35 --campaigns 300',
    });
    expect(decideReuse(true, manifest, { ...request, seed: 2 }).reuse).toBe(false);
  });
});
