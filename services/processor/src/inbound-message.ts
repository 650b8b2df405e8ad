import type { JsMsg } from '@nats-io/jetstream';

/**
 * The slice of a JetStream message the processor uses; an interface so the
 * pipeline's steps can be exercised with plain objects in unit tests.
 */
export interface InboundMessage {
  /** Stream sequence: identical for every redelivery of the same message. */
  readonly seq: number;
  readonly deliveryCount: number;
  readonly data: Uint8Array;
  header(name: string): string | undefined;
  ack(): void;
  nak(delayMs?: number): void;
  /** Extends the ack deadline while the message is legitimately held (e.g. ClickHouse is down). */
  working(): void;
}

export function fromJsMsg(m: JsMsg): InboundMessage {
  return {
    seq: m.seq,
    deliveryCount: m.info.deliveryCount,
    data: m.data,
    header: (name) => m.headers?.get(name) || undefined,
    ack: () => m.ack(),
    nak: (delayMs) => m.nak(delayMs),
    working: () => m.working(),
  };
}
