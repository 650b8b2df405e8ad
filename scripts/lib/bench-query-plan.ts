import type { DatasetPlan } from './bench-query-dataset.ts';

/** What a benchmark run asks for; a loaded data set is reused only when these match. */
export interface DatasetRequest {
  events: number;
  seed: number;
  days: number;
  campaignsPerTenant: number;
}

/** Each tenant spreads its traffic over about one user per this many events (so users return). */
const EVENTS_PER_USER = 20;
/** Tenant weights add up to 100 (see TENANTS). */
const TOTAL_TENANT_WEIGHT = 100;
/**
 * The sampled mean chain length is an estimate; spreading slightly more
 * auctions than it predicts keeps the wanted total inside the period, and the
 * last chunk's LIMIT stops at exactly that total.
 */
const AUCTION_MARGIN = 1.003;

/** The plan of a data set of `request.events` events ending at `endSec`, given the mean events per auction. */
export function planDataset(request: DatasetRequest, endSec: number, meanChainLength: number): DatasetPlan {
  if (!(meanChainLength >= 1)) throw new RangeError(`mean chain length must be ≥ 1, got ${meanChainLength}`);
  return {
    seed: request.seed,
    days: request.days,
    endSec,
    campaignsPerTenant: request.campaignsPerTenant,
    usersPerWeight: Math.max(10, Math.round(request.events / EVENTS_PER_USER / TOTAL_TENANT_WEIGHT)),
    auctions: Math.ceil((request.events / meanChainLength) * AUCTION_MARGIN),
  };
}

/** The data set's end: the start of the current UTC hour, so hourly and daily buckets are whole. */
export function datasetEndSec(nowMs: number): number {
  return Math.floor(nowMs / 3_600_000) * 3_600;
}

/** Auctions per insert so one chunk holds about `chunkEvents` events. */
export function chunkAuctions(chunkEvents: number, meanChainLength: number): number {
  return Math.max(1, Math.round(chunkEvents / meanChainLength));
}

export function sameRequest(a: DatasetRequest, b: DatasetRequest): boolean {
  return a.events === b.events && a.seed === b.seed && a.days === b.days && a.campaignsPerTenant === b.campaignsPerTenant;
}
