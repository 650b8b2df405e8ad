import type { Logger } from '@adstream/shared/logger';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import { traceBatch } from './batch-trace.ts';
import type { DeadLetterSink } from './dead-letter.ts';
import { decodeMessage, type DecodedMessage } from './decode-message.ts';
import { dropBatchDuplicates, dropStored } from './dedup.ts';
import type { EventStore } from './event-store.ts';
import type { InboundMessage } from './inbound-message.ts';
import { isDataError } from './insert-errors.ts';
import { ProcessorMetrics } from './processor-metrics.ts';

export interface PipelineOptions {
  store: EventStore;
  deadLetters: DeadLetterSink;
  log: Logger;
  backoff: BackoffPolicy;
  /** Deliveries after which a message ClickHouse keeps rejecting goes to the dead-letter stream. */
  maxAttempts: number;
  isStopping: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** Defaults to instruments on the global meter (no-ops unless telemetry was started). */
  metrics?: ProcessorMetrics;
}

export interface PipelineCounters {
  batches: number;
  messages: number;
  rowsInserted: number;
  duplicatesInBatch: number;
  duplicatesStored: number;
  deadLettered: number;
  retries: number;
}

class StoppedError extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One batch of JetStream messages through the named steps:
 * decode → drop in-batch duplicates → drop already-stored events → insert → ack.
 * Messages are acked only after ClickHouse accepted their rows; the
 * duplicate checks make a redelivery after a crash between insert and ack
 * harmless. See docs/exactly-once.md.
 */
export class BatchPipeline {
  readonly counters: PipelineCounters = { batches: 0, messages: 0, rowsInserted: 0, duplicatesInBatch: 0, duplicatesStored: 0, deadLettered: 0, retries: 0 };
  readonly #o: PipelineOptions;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #metrics: ProcessorMetrics;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#metrics = options.metrics ?? new ProcessorMetrics();
  }

  async process(messages: readonly InboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.counters.batches++;
    this.counters.messages += messages.length;
    const batchEnded = this.#metrics.batchStarted(messages, this.counters);
    try {
      await traceBatch(messages, () => this.#process(messages));
    } finally {
      batchEnded();
    }
  }

  async #process(messages: readonly InboundMessage[]): Promise<void> {
    try {
      const decoded = await this.#decode(messages);
      const unique = dropBatchDuplicates(decoded);
      this.counters.duplicatesInBatch += unique.droppedRows;
      await this.#storeAndAck(unique.kept);
    } catch (err) {
      if (!(err instanceof StoppedError)) throw err;
      // Shutting down while ClickHouse is failing: hand the messages back now
      // rather than make JetStream wait out the ack deadline.
      for (const m of messages) m.nak();
      this.#o.log.warn({ messages: messages.length }, 'returned unflushed messages to JetStream on shutdown');
    }
  }

  async #decode(messages: readonly InboundMessage[]): Promise<DecodedMessage[]> {
    const decoded: DecodedMessage[] = [];
    for (const m of messages) {
      const outcome = decodeMessage(m);
      if (outcome.ok) {
        decoded.push(outcome.decoded);
      } else {
        await this.#retrying(messages, () => this.#o.deadLetters.send(m, 'undecodable', outcome.reason));
        this.counters.deadLettered++;
        this.#metrics.deadLettered('undecodable');
        this.#o.log.error({ seq: m.seq, reason: outcome.reason }, 'message dead-lettered: undecodable');
        m.ack();
      }
    }
    return decoded;
  }

  async #storeAndAck(messages: readonly DecodedMessage[]): Promise<void> {
    const held = messages.map((m) => m.message);
    const stored = await this.#retrying(held, () => this.#o.store.findStored(messages));
    const fresh = dropStored(messages, stored);
    this.counters.duplicatesStored += fresh.droppedRows;
    const dataError = await this.#retrying(held, async () => {
      try {
        await this.#o.store.insert(fresh.kept);
        return undefined;
      } catch (err) {
        if (isDataError(err)) return err as Error;
        throw err;
      }
    });
    if (dataError === undefined) {
      this.counters.rowsInserted += fresh.kept.reduce((n, m) => n + m.rows.length, 0);
      for (const m of held) m.ack();
      this.#metrics.stored(held);
      return;
    }
    this.#o.log.warn({ err: dataError, messages: fresh.kept.length }, 'ClickHouse rejected the batch: inserting its messages one by one');
    for (const m of fresh.kept) await this.#insertAlone(m);
  }

  /** Finds the message(s) ClickHouse rejects, so one bad message cannot block the others. */
  async #insertAlone(m: DecodedMessage): Promise<void> {
    const dataError = await this.#retrying([m.message], async () => {
      try {
        await this.#o.store.insert([m]);
        return undefined;
      } catch (err) {
        if (isDataError(err)) return err as Error;
        throw err;
      }
    });
    if (dataError === undefined) {
      this.counters.rowsInserted += m.rows.length;
      m.message.ack();
      this.#metrics.stored([m.message]);
    } else if (m.message.deliveryCount >= this.#o.maxAttempts) {
      await this.#retrying([m.message], () => this.#o.deadLetters.send(m.message, 'rejected-by-clickhouse', dataError.message));
      this.counters.deadLettered++;
      this.#metrics.deadLettered('rejected-by-clickhouse');
      this.#o.log.error({ seq: m.message.seq, reason: dataError.message }, 'message dead-lettered: rejected by ClickHouse');
      m.message.ack();
    } else {
      m.message.nak(backoffDelay(m.message.deliveryCount, this.#o.backoff));
    }
  }

  /**
   * Retries an operation on transient failures (ClickHouse or NATS unreachable)
   * until it succeeds or the processor stops, keeping the held messages' ack
   * deadlines extended meanwhile.
   */
  async #retrying<T>(held: readonly InboundMessage[], op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (this.#o.isStopping()) throw new StoppedError();
        this.counters.retries++;
        const delay = backoffDelay(attempt, this.#o.backoff);
        this.#o.log.warn({ err, attempt, delayMs: delay }, 'transient failure: retrying');
        for (const m of held) m.working();
        await this.#sleep(delay);
      }
    }
  }
}
