import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import type { Logger } from '@adstream/shared/logger';
import { HEADER_COUNT } from '@adstream/shared/message-format';
import { Batcher, type BatchLimits } from './batcher.ts';
import { fromJsMsg, type InboundMessage } from './inbound-message.ts';
import type { BatchPipeline } from './pipeline.ts';

export interface ConsumerLoopOptions {
  consumer: Consumer;
  pipeline: BatchPipeline;
  limits: BatchLimits;
  /** Messages JetStream may push ahead of the batcher: bounds memory while a flush is slow. */
  prefetchMessages: number;
  ackWaitMs: number;
  log: Logger;
}

const TICK_MS = 25;

/**
 * Feeds JetStream messages into batches and batches into the pipeline, with
 * at most one batch being flushed and one being filled at any moment. When a
 * flush is slow the loop stops pulling, so the backlog waits in JetStream,
 * not in this process.
 */
export class ConsumerLoop {
  readonly #o: ConsumerLoopOptions;
  readonly #batcher: Batcher<InboundMessage>;
  #messages: ConsumerMessages | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastKeepAlive = 0;
  #stopping = false;
  #done: Promise<void> | undefined;

  constructor(options: ConsumerLoopOptions) {
    this.#o = options;
    this.#batcher = new Batcher(options.limits);
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  start(): Promise<void> {
    this.#done ??= this.#run();
    return this.#done;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#messages?.stop();
    await this.#done;
  }

  async #run(): Promise<void> {
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    try {
      this.#messages = await this.#o.consumer.consume({ max_messages: this.#o.prefetchMessages });
      for await (const jm of this.#messages) {
        const m = fromJsMsg(jm);
        this.#batcher.add(m, Number(m.header(HEADER_COUNT)) || 1, m.data.byteLength, Date.now());
        if (this.#batcher.isFull()) {
          while (this.#inFlight) await this.#inFlight;
          this.#flush();
        }
        if (this.#stopping) break;
      }
    } finally {
      clearInterval(this.#timer);
      while (this.#inFlight) await this.#inFlight;
      this.#flush();
      while (this.#inFlight) await this.#inFlight;
    }
  }

  #tick(): void {
    const now = Date.now();
    if (!this.#inFlight && this.#batcher.isDue(now)) {
      this.#flush();
    } else if (this.#inFlight && now - this.#lastKeepAlive > this.#o.ackWaitMs / 3) {
      // The filling batch waits behind a slow flush; keep its messages ours.
      this.#lastKeepAlive = now;
      this.#batcher.forEach((m) => m.working());
    }
  }

  #flush(): void {
    const items = this.#batcher.drain();
    if (items.length === 0) return;
    this.#inFlight = this.#o.pipeline
      .process(items)
      .catch((err: unknown) => this.#o.log.error({ err }, 'batch failed unexpectedly; its messages will be redelivered'))
      .finally(() => {
        this.#inFlight = undefined;
      });
  }
}
