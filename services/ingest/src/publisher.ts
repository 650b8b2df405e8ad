import { createHash } from 'node:crypto';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { encodeBody, HEADER_COUNT, HEADER_FORMAT, HEADER_TENANT, MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import { tenantEventSubject } from '@adstream/shared/jetstream-topology';
import { HEADER_RECEIVED_AT } from '@adstream/shared/telemetry/freshness';
import { injectTraceContext } from '@adstream/shared/telemetry/nats-trace-context';
import { endSpan, SpanKind, startSpan, tracingEnabled } from '@adstream/shared/telemetry/tracing';
import { IngestMetrics } from './ingest-metrics.ts';

export class PublishError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class MessageTooLargeError extends Error {}

export interface EventPublisher {
  /**
   * Resolves once JetStream has stored the events; rejects with PublishError or MessageTooLargeError.
   * `receivedAtMs` (the request's arrival) travels with the message for the freshness metric.
   */
  publish(tenant: string, rows: readonly string[], eventIds: readonly string[], receivedAtMs: number): Promise<{ duplicate: boolean }>;
  ready(): Promise<boolean>;
}

export interface JetStreamPublisherOptions {
  stream: string;
  subjectPrefix: string;
  timeoutMs: number;
}

/**
 * The message id is derived from the tenant and the event ids it carries, so
 * JetStream drops a resend of the same request within its duplicate window.
 */
function messageId(tenant: string, eventIds: readonly string[]): string {
  const h = createHash('sha256').update(tenant).update('\n');
  for (const id of eventIds) h.update(id);
  return h.digest('base64url');
}

function isStreamFull(err: unknown): boolean {
  const text = String((err as Error)?.message ?? '').toLowerCase();
  return text.includes('maximum bytes') || text.includes('maximum messages') || text.includes('insufficient') || text.includes('storage');
}

export class JetStreamPublisher implements EventPublisher {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #opts: JetStreamPublisherOptions;
  readonly #metrics = new IngestMetrics();
  #readyCache: { at: number; ok: boolean } = { at: 0, ok: false };
  #jsm: Promise<JetStreamManager> | undefined;

  constructor(nc: NatsConnection, opts: JetStreamPublisherOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#opts = opts;
  }

  async publish(tenant: string, rows: readonly string[], eventIds: readonly string[], receivedAtMs: number): Promise<{ duplicate: boolean }> {
    const body = encodeBody(rows);
    const maxPayload = this.#nc.info?.max_payload ?? 1024 * 1024;
    // Headers share the payload limit; 1 KiB is far more than ours take.
    if (body.length + 1024 > maxPayload) {
      throw new MessageTooLargeError(`the accepted events encode to ${body.length} bytes, over the ${maxPayload - 1024} bytes one message may carry: send fewer events per request`);
    }
    const h = headers();
    h.set(HEADER_FORMAT, MESSAGE_FORMAT_VERSION);
    h.set(HEADER_TENANT, tenant);
    h.set(HEADER_COUNT, String(rows.length));
    h.set(HEADER_RECEIVED_AT, String(receivedAtMs));
    // The producer span's context rides in the headers, so the processor's spans join this request's trace.
    const span = tracingEnabled()
      ? startSpan(`publish ${this.#opts.stream}`, {
          kind: SpanKind.PRODUCER,
          attributes: { 'messaging.system': 'nats', 'messaging.destination.name': this.#opts.stream, 'messaging.batch.message_count': rows.length },
        })
      : undefined;
    if (span) injectTraceContext(h, span);
    const started = performance.now();
    try {
      const ack = await this.#js.publish(tenantEventSubject(this.#opts.subjectPrefix, tenant), body, {
        msgID: messageId(tenant, eventIds),
        headers: h,
        timeout: this.#opts.timeoutMs,
        expect: { streamName: this.#opts.stream },
      });
      this.#metrics.published((performance.now() - started) / 1000, ack.duplicate ? rows.length : undefined);
      if (span) endSpan(span);
      return { duplicate: ack.duplicate };
    } catch (err) {
      const full = isStreamFull(err);
      this.#metrics.publishFailed((performance.now() - started) / 1000, full ? 'stream_full' : 'no_ack');
      if (span) endSpan(span, err);
      if (full) throw new PublishError('the event stream is full: nothing of this request was stored; retry later', 30, { cause: err });
      // A timed-out publish may still land once the connection is back, so "not stored" would be a guess.
      throw new PublishError(
        `JetStream did not acknowledge the request (${(err as Error).message}): resend it; events that carry their own event_id are stored once however often they are sent`,
        2,
        { cause: err },
      );
    }
  }

  async ready(): Promise<boolean> {
    const now = Date.now();
    if (now - this.#readyCache.at < 1000) return this.#readyCache.ok;
    let ok = false;
    if (!this.#nc.isClosed()) {
      try {
        this.#jsm ??= jetstreamManager(this.#nc, { timeout: 1000, checkAPI: false });
        await (await this.#jsm).streams.info(this.#opts.stream);
        ok = true;
      } catch {
        ok = false;
      }
    }
    this.#readyCache = { at: Date.now(), ok };
    return ok;
  }
}
