import type { TenantStats } from './stats-schema.ts';

/** What the tenant query and JetStream answered, before it becomes figures. */
export interface TenantObservation {
  nowMs: number;
  windowSeconds: number;
  receivedInWindow: number;
  storedTotal: number;
  /** Epoch seconds of the newest received_at. */
  newestReceivedAtS: number;
  storedPerSecond: number | null;
  pendingMessages: number | null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function tenantFigures(o: TenantObservation): TenantStats {
  return {
    events_per_second_received: round(o.receivedInWindow / o.windowSeconds, 2),
    events_per_second_stored: o.storedPerSecond === null ? null : round(Math.max(0, o.storedPerSecond), 2),
    pending_messages: o.pendingMessages,
    // Clocks of ingest and query hosts may differ slightly: an age is never negative.
    newest_event_age_seconds: o.storedTotal === 0 ? null : round(Math.max(0, o.nowMs / 1_000 - o.newestReceivedAtS), 1),
  };
}
