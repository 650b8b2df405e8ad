import type { DeadLetterKind, DeadLetterSink } from '../src/dead-letter.ts';
import type { DecodedMessage } from '../src/decode-message.ts';
import { identity } from '../src/dedup.ts';
import type { EventStore } from '../src/event-store.ts';
import type { InboundMessage } from '../src/inbound-message.ts';

/** ClickHouse and the dead-letter stream as in-memory stand-ins, for the metrics and tracing unit tests. */
export class MemoryStore implements EventStore {
  rows = new Set<string>();
  failures: Error[] = [];
  async findStored(messages: readonly DecodedMessage[]) {
    const found = new Set<string>();
    for (const m of messages) for (const r of m.rows) if (this.rows.has(identity(m.tenant, r.eventId))) found.add(identity(m.tenant, r.eventId));
    return found;
  }
  async insert(messages: readonly DecodedMessage[]) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    for (const m of messages) for (const r of m.rows) this.rows.add(identity(m.tenant, r.eventId));
  }
}

export class MemoryDeadLetters implements DeadLetterSink {
  sent: { seq: number; kind: DeadLetterKind }[] = [];
  async send(m: InboundMessage, kind: DeadLetterKind) {
    this.sent.push({ seq: m.seq, kind });
  }
}
