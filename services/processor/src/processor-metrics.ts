import { adstreamMeter, type Counter, type Histogram, type Meter, type UpDownCounter } from '@adstream/shared/telemetry/meter';
import { METRIC } from '@adstream/shared/telemetry/metric-names';
import { freshnessSeconds, HEADER_RECEIVED_AT } from '@adstream/shared/telemetry/freshness';
import { HEADER_COUNT } from '@adstream/shared/message-format';
import type { DeadLetterKind } from './dead-letter.ts';
import type { InboundMessage } from './inbound-message.ts';
import type { PipelineCounters } from './pipeline.ts';

export const DEAD_LETTER_KINDS: readonly DeadLetterKind[] = ['undecodable', 'rejected-by-clickhouse'];

/**
 * The processor's pipeline metrics, recorded once per batch from the
 * pipeline's own counters (the difference a batch made to them), plus one
 * freshness sample per stored message, i.e. per ingest request, never per event.
 */
export class ProcessorMetrics {
  readonly #consumed: Counter;
  readonly #inFlight: UpDownCounter;
  readonly #redeliveries: Counter;
  readonly #batchSize: Histogram;
  readonly #batchDuration: Histogram;
  readonly #stored: Counter;
  readonly #duplicates: Counter;
  readonly #retries: Counter;
  readonly #deadLettered: Counter;
  readonly #freshness: Histogram;

  constructor(meter: Meter = adstreamMeter()) {
    this.#consumed = meter.createCounter(METRIC.processorMessagesConsumed, { unit: '{message}', description: 'JetStream messages taken into a batch (redeliveries included)' });
    this.#inFlight = meter.createUpDownCounter(METRIC.processorMessagesInFlight, { unit: '{message}', description: 'Messages of the batch being processed, not yet acked' });
    this.#redeliveries = meter.createCounter(METRIC.processorRedeliveries, { unit: '{message}', description: 'Messages delivered more than once' });
    this.#batchSize = meter.createHistogram(METRIC.processorBatchSize, { unit: '{event}', description: 'Events per batch' });
    this.#batchDuration = meter.createHistogram(METRIC.processorBatchDuration, { unit: 's', description: 'One batch from decode to ack, retries included' });
    this.#stored = meter.createCounter(METRIC.processorEventsStored, { unit: '{event}', description: 'Events inserted into ClickHouse' });
    this.#duplicates = meter.createCounter(METRIC.processorDuplicatesDropped, {
      unit: '{event}',
      description: 'Events dropped as already seen: within the batch (scope=batch) or already stored (scope=stored)',
    });
    this.#retries = meter.createCounter(METRIC.processorRetries, { unit: '{retry}', description: 'Retries after transient ClickHouse or NATS failures' });
    this.#deadLettered = meter.createCounter(METRIC.processorDeadLettered, { unit: '{message}', description: 'Messages moved to the dead-letter stream, by reason' });
    this.#freshness = meter.createHistogram(METRIC.processorFreshness, { unit: 's', description: 'From the ingest request\'s arrival to its events being stored' });
    // Zero-valued series from the start, so alert expressions have data before the first failure.
    for (const reason of DEAD_LETTER_KINDS) this.#deadLettered.add(0, { reason });
    this.#duplicates.add(0, { scope: 'batch' });
    this.#duplicates.add(0, { scope: 'stored' });
    this.#redeliveries.add(0);
    this.#retries.add(0);
  }

  /** Call when a batch starts; the returned function records the rest when it ends. */
  batchStarted(messages: readonly InboundMessage[], counters: Readonly<PipelineCounters>): () => void {
    const before = { ...counters };
    const started = performance.now();
    let events = 0;
    let redelivered = 0;
    for (const m of messages) {
      events += Number(m.header(HEADER_COUNT)) || 1;
      if (m.deliveryCount > 1) redelivered++;
    }
    this.#consumed.add(messages.length);
    this.#inFlight.add(messages.length);
    if (redelivered > 0) this.#redeliveries.add(redelivered);
    this.#batchSize.record(events);
    return () => {
      this.#inFlight.add(-messages.length);
      this.#batchDuration.record((performance.now() - started) / 1000);
      const stored = counters.rowsInserted - before.rowsInserted;
      if (stored > 0) this.#stored.add(stored);
      const inBatch = counters.duplicatesInBatch - before.duplicatesInBatch;
      if (inBatch > 0) this.#duplicates.add(inBatch, { scope: 'batch' });
      const alreadyStored = counters.duplicatesStored - before.duplicatesStored;
      if (alreadyStored > 0) this.#duplicates.add(alreadyStored, { scope: 'stored' });
      const retries = counters.retries - before.retries;
      if (retries > 0) this.#retries.add(retries);
    };
  }

  /** Messages whose events are now in ClickHouse (just acked). */
  stored(messages: readonly InboundMessage[], nowMs: number = Date.now()): void {
    for (const m of messages) {
      const seconds = freshnessSeconds(m.header(HEADER_RECEIVED_AT), nowMs);
      if (seconds !== undefined) this.#freshness.record(seconds);
    }
  }

  deadLettered(kind: DeadLetterKind): void {
    this.#deadLettered.add(1, { reason: kind });
  }
}
