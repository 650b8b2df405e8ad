import { adstreamMeter, type Counter, type Histogram, type Meter } from '@adstream/shared/telemetry/meter';
import { METRIC } from '@adstream/shared/telemetry/metric-names';
import { inSpan, SpanKind } from '@adstream/shared/telemetry/tracing';
import type { DecodedMessage } from './decode-message.ts';
import type { EventStore } from './event-store.ts';
import { isDataError } from './insert-errors.ts';

export const INSERT_ERROR_REASONS = ['transient', 'rejected'] as const;

type Operation = { name: 'SELECT' | 'INSERT'; collection: string };
const LOOKUP: Operation = { name: 'SELECT', collection: 'event_ids' };
const INSERT: Operation = { name: 'INSERT', collection: 'events' };

/**
 * An EventStore that times each ClickHouse call as `db.client.operation.duration`
 * (semantic conventions), counts failed inserts by kind (`transient`: ClickHouse
 * unreachable or overloaded, retried; `rejected`: ClickHouse refused the data)
 * and, while tracing is on, gives each call a span under the batch's.
 */
export class InstrumentedEventStore implements EventStore {
  readonly #inner: EventStore;
  readonly #duration: Histogram;
  readonly #insertErrors: Counter;

  constructor(inner: EventStore, meter: Meter = adstreamMeter()) {
    this.#inner = inner;
    this.#duration = meter.createHistogram(METRIC.dbClientOperationDuration, { unit: 's', description: 'Duration of ClickHouse operations' });
    this.#insertErrors = meter.createCounter(METRIC.processorInsertErrors, { unit: '{insert}', description: 'Failed ClickHouse inserts, by reason' });
    for (const reason of INSERT_ERROR_REASONS) this.#insertErrors.add(0, { reason });
  }

  findStored(messages: readonly DecodedMessage[]): Promise<Set<string>> {
    return this.#timed(LOOKUP, messages, () => this.#inner.findStored(messages));
  }

  async insert(messages: readonly DecodedMessage[]): Promise<void> {
    try {
      await this.#timed(INSERT, messages, () => this.#inner.insert(messages));
    } catch (err) {
      this.#insertErrors.add(1, { reason: isDataError(err) ? 'rejected' : 'transient' });
      throw err;
    }
  }

  async #timed<T>(op: Operation, messages: readonly DecodedMessage[], fn: () => Promise<T>): Promise<T> {
    const attrs: Record<string, string> = { 'db.system.name': 'clickhouse', 'db.operation.name': op.name, 'db.collection.name': op.collection };
    const started = performance.now();
    try {
      const result = await inSpan(`${op.name} ${op.collection}`, { ...attrs, 'db.operation.batch.size': rowCount(messages) }, fn, { kind: SpanKind.CLIENT });
      this.#duration.record((performance.now() - started) / 1000, attrs);
      return result;
    } catch (err) {
      attrs['error.type'] = isDataError(err) ? 'rejected' : 'transient';
      this.#duration.record((performance.now() - started) / 1000, attrs);
      throw err;
    }
  }
}

function rowCount(messages: readonly DecodedMessage[]): number {
  let n = 0;
  for (const m of messages) n += m.rows.length;
  return n;
}
