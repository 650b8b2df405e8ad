import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@adstream/shared/logger';
import { connectNats } from '@adstream/shared/nats-connection';

/** A JetStream request that gets no answer in this time counts as "figure unknown" (null). */
const REQUEST_TIMEOUT_MS = 2_000;

/**
 * An optional NATS connection made in the background: the query service
 * starts and answers KPIs while NATS is down or still starting, and the
 * JetStream figures become available once it connects.
 */
export class NatsLink {
  #nc: NatsConnection | undefined;
  #jsm: JetStreamManager | undefined;
  #closed = false;

  static connect(url: string, name: string, log: Logger): NatsLink {
    const link = new NatsLink();
    link.#open(url, name, log).catch((err: unknown) => log.error({ err }, 'NATS connection for stats failed; JetStream figures stay null'));
    return link;
  }

  async #open(url: string, name: string, log: Logger): Promise<void> {
    const nc = await connectNats(url, name, log);
    if (this.#closed) return nc.close();
    this.#nc = nc;
    this.#jsm = await jetstreamManager(nc, { timeout: REQUEST_TIMEOUT_MS, checkAPI: false });
  }

  /** Undefined until connected. */
  manager(): JetStreamManager | undefined {
    return this.#jsm;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#jsm = undefined;
    await this.#nc?.close();
  }
}
