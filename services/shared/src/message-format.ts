/**
 * The JetStream message that carries accepted events from ingest to the
 * processor: a body of newline-terminated TabSeparated `events` rows (see `event-row.ts`)
 * and headers naming the tenant and the format version. One message holds
 * one ingest request, so a request is published (and acknowledged) whole.
 */
export const MESSAGE_FORMAT_VERSION = '2';
export const HEADER_FORMAT = 'Adstream-Format';
export const HEADER_TENANT = 'Adstream-Tenant';
export const HEADER_COUNT = 'Adstream-Count';

const UUID_LENGTH = 36;
const NEWLINE = 0x0a;
const TAB = 0x09;
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
    const eventId = buf.toString('latin1', start, start + UUID_LENGTH);
    if (end - start <= UUID_LENGTH || buf[start + UUID_LENGTH] !== TAB || !UUID_PATTERN.test(eventId)) {
      return { ok: false, reason: `row ${rows.length} does not start with an event id and a tab` };
    }
    rows.push({ eventId, line: buf.subarray(start, end + 1) });
    start = end + 1;
  }
  if (rows.length !== expectedCount) {
    return { ok: false, reason: `body has ${rows.length} rows, header says ${expectedCount}` };
  }
  return { ok: true, rows };
}
