import { toRowLine } from '@adstream/shared/event-row';
import { encodeBody, HEADER_COUNT, HEADER_FORMAT, HEADER_TENANT, MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import type { InboundMessage } from '../src/inbound-message.ts';

export const uuid = (n: number) => `0190b6b0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

export interface FakeMessage extends InboundMessage {
  acked: number;
  naked: number;
  workingCalls: number;
}

/** A JetStream message as the pipeline sees it, carrying rows for the given event numbers. */
export function message(seq: number, tenant: string, eventNumbers: number[], opts: { deliveryCount?: number; headers?: Record<string, string>; body?: Buffer } = {}): FakeMessage {
  const body = opts.body ?? encodeBody(eventNumbers.map((n) => toRowLine({ type: 'click', campaign_id: 'c1' }, uuid(n), tenant, 1_700_000_000_000, 1_700_000_000_000)));
  const headers: Record<string, string> = opts.headers ?? { [HEADER_FORMAT]: MESSAGE_FORMAT_VERSION, [HEADER_TENANT]: tenant, [HEADER_COUNT]: String(eventNumbers.length) };
  const m: FakeMessage = {
    seq,
    deliveryCount: opts.deliveryCount ?? 1,
    data: body,
    header: (name) => headers[name],
    ack: () => void m.acked++,
    nak: () => void m.naked++,
    working: () => void m.workingCalls++,
    acked: 0,
    naked: 0,
    workingCalls: 0,
  };
  return m;
}
