import { decodeBody, HEADER_COUNT, HEADER_FORMAT, HEADER_TENANT, MESSAGE_FORMAT_VERSION, type DecodedRow } from '@adstream/shared/message-format';
import type { InboundMessage } from './inbound-message.ts';

export interface DecodedMessage {
  message: InboundMessage;
  tenant: string;
  rows: DecodedRow[];
}

export type DecodeOutcome = { ok: true; decoded: DecodedMessage } | { ok: false; reason: string };

/** Step 1: check a message's headers and split its body into rows, or say why it is poison. */
export function decodeMessage(message: InboundMessage): DecodeOutcome {
  const format = message.header(HEADER_FORMAT);
  if (format !== MESSAGE_FORMAT_VERSION) return { ok: false, reason: `unsupported ${HEADER_FORMAT} "${format ?? ''}"` };
  const tenant = message.header(HEADER_TENANT);
  if (!tenant) return { ok: false, reason: `missing ${HEADER_TENANT} header` };
  const count = Number(message.header(HEADER_COUNT));
  if (!Number.isInteger(count) || count < 1) return { ok: false, reason: `invalid ${HEADER_COUNT} header` };
  const body = decodeBody(message.data, count);
  if (!body.ok) return { ok: false, reason: body.reason };
  return { ok: true, decoded: { message, tenant, rows: body.rows } };
}
