import { headers, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { deadLetterSubject } from '@adstream/shared/jetstream-topology';
import { HEADER_TENANT } from '@adstream/shared/message-format';
import type { InboundMessage } from './inbound-message.ts';

export type DeadLetterKind = 'undecodable' | 'rejected-by-clickhouse';

export interface DeadLetterSink {
  /** Stores the message with its reason; resolves only once JetStream has it, so the original may then be acked. */
  send(message: InboundMessage, kind: DeadLetterKind, reason: string): Promise<void>;
}

export class JetStreamDeadLetterSink implements DeadLetterSink {
  readonly #js: JetStreamClient;
  readonly #subjectPrefix: string;

  constructor(nc: NatsConnection, subjectPrefix: string) {
    this.#js = jetstream(nc);
    this.#subjectPrefix = subjectPrefix;
  }

  async send(message: InboundMessage, kind: DeadLetterKind, reason: string): Promise<void> {
    const h = headers();
    h.set('Adstream-Dead-Letter-Reason', reason.slice(0, 1000).replace(/[\r\n]+/g, ' '));
    h.set('Adstream-Original-Seq', String(message.seq));
    h.set('Adstream-Deliveries', String(message.deliveryCount));
    const tenant = message.header(HEADER_TENANT);
    if (tenant) h.set(HEADER_TENANT, tenant);
    await this.#js.publish(deadLetterSubject({ subjectPrefix: this.#subjectPrefix }, kind), message.data, { headers: h, msgID: `dl-${message.seq}` });
  }
}
