/**
 * Ingest stamps each JetStream message with the time its request arrived
 * (epoch milliseconds), so the processor can measure end-to-end freshness
 * (receive → stored) in milliseconds: the rows' own `received_at` column has
 * whole seconds only.
 */
export const HEADER_RECEIVED_AT = 'Adstream-Received-At';

/** Seconds from receipt to `storedAtMs`, or undefined when the header is absent or garbled (older producers). */
export function freshnessSeconds(receivedAtHeader: string | undefined, storedAtMs: number): number | undefined {
  if (receivedAtHeader === undefined) return undefined;
  const receivedAt = Number(receivedAtHeader);
  if (!Number.isFinite(receivedAt) || receivedAt <= 0) return undefined;
  return Math.max(0, storedAtMs - receivedAt) / 1000;
}
