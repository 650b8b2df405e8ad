/**
 * The JetStream message that carries accepted events from ingest to the
 * processor: a body of newline-terminated `events` rows (see `event-row.ts`)
 * and headers naming the tenant and the format version. One message holds
 * one ingest request, so a request is published (and acknowledged) whole.
 */
export const MESSAGE_FORMAT_VERSION = '1';
export const HEADER_FORMAT = 'Adstream-Format';
export const HEADER_TENANT = 'Adstream-Tenant';
export const HEADER_COUNT = 'Adstream-Count';

const ROW_PREFIX = '{"event_id":"';
const ROW_PREFIX_BYTES = Buffer.from(ROW_PREFIX);
const UUID_LENGTH = 36;
const NEWLINE = 0x0a;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeBody(rowLines: readonly string[]): Buffer {
  return Buffer.from(rowLines.join('\n') + '\n');
}

export interface DecodedRow {
  eventId: string;
  /** The row including its trailing newline, ready to be concatenated into an insert body. */
  line: Buffer;
}

export type DecodeResult = { ok: true; rows: DecodedRow[] } | { ok: false; reason: string };

/**
 * Splits a message body into rows and reads each row's event id from its fixed
 * position, without JSON parsing: the processor's hot path never re-parses
 * what ingest already validated.
 */
export function decodeBody(body: Uint8Array, expectedCount: number): DecodeResult {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const rows: DecodedRow[] = [];
  let start = 0;
  while (start < buf.length) {
    const end = buf.indexOf(NEWLINE, start);
    if (end < 0) return { ok: false, reason: `row ${rows.length} is not newline-terminated` };
    const idStart = start + ROW_PREFIX_BYTES.length;
    if (end - start < ROW_PREFIX_BYTES.length + UUID_LENGTH + 2 || buf.compare(ROW_PREFIX_BYTES, 0, ROW_PREFIX_BYTES.length, start, idStart) !== 0) {
      return { ok: false, reason: `row ${rows.length} does not start with ${ROW_PREFIX}` };
    }
    const eventId = buf.toString('latin1', idStart, idStart + UUID_LENGTH);
    if (!UUID_PATTERN.test(eventId) || buf[idStart + UUID_LENGTH] !== 0x22) {
      return { ok: false, reason: `row ${rows.length} has no valid event_id` };
    }
    rows.push({ eventId, line: buf.subarray(start, end + 1) });
    start = end + 1;
  }
  if (rows.length !== expectedCount) {
    return { ok: false, reason: `body has ${rows.length} rows, header says ${expectedCount}` };
  }
  return { ok: true, rows };
}
