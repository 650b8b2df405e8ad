import { sqlIdentifier, sqlString } from '@adstream/shared/sql';

/** Whole seconds (UTC epoch), [fromS, toS): received_at has second precision. */
export interface SecondsWindow {
  fromS: number;
  toS: number;
}

/**
 * One pass over the tenant's raw events: rows stored so far, rows whose
 * receive time lies in the window, and the newest receive time (0 when the
 * tenant has no rows, as max() of an empty set of DateTime is the epoch).
 * received_at is not in the sort key, so this reads the tenant's received_at
 * column; the stats service caches the answer to bound how often it runs.
 */
export function tenantStatsSql(database: string, tenant: string, window: SecondsWindow): string {
  return `SELECT
    count() AS stored_total,
    countIf(received_at >= toDateTime(${Math.floor(window.fromS)}) AND received_at < toDateTime(${Math.floor(window.toS)})) AS received_in_window,
    toUnixTimestamp(max(received_at)) AS newest_received_at
  FROM ${sqlIdentifier(database)}.events
  WHERE tenant_id = ${sqlString(tenant)}`;
}

/** The window of the last `seconds` complete seconds before `nowMs`; the current, partial second is left out. */
export function windowBefore(nowMs: number, seconds: number): SecondsWindow {
  const toS = Math.floor(nowMs / 1_000);
  return { fromS: toS - seconds, toS };
}
