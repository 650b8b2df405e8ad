import { headers } from '@nats-io/nats-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_COUNT, HEADER_FORMAT, HEADER_TENANT, MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import { injectTraceContext } from '@adstream/shared/telemetry/nats-trace-context';
import { endSpan, SpanKind, startSpan } from '@adstream/shared/telemetry/tracing';
import { BATCH_SPAN, MESSAGE_SPAN } from '../src/batch-trace.ts';
import { InstrumentedEventStore } from '../src/instrumented-event-store.ts';
import { BatchPipeline } from '../src/pipeline.ts';
import { startTestTracing, type TracingKit } from '../../shared/test/tracing-kit.ts';
import { message } from './fixtures.ts';
import { MemoryDeadLetters, MemoryStore } from './memory-stores.ts';

let tracing: TracingKit;
beforeAll(() => {
  tracing = startTestTracing();
});
afterAll(async () => {
  await tracing.stop();
});

/** A message as ingest publishes it: its producer span's context in the NATS headers. */
function publishedMessage(seq: number, events: number[]) {
  const producer = startSpan('publish ADSTREAM_EVENTS', { kind: SpanKind.PRODUCER, root: true });
  const h = headers();
  h.set(HEADER_FORMAT, MESSAGE_FORMAT_VERSION);
  h.set(HEADER_TENANT, 'acme');
  h.set(HEADER_COUNT, String(events.length));
  injectTraceContext(h, producer);
  endSpan(producer);
  const plain: Record<string, string> = {};
  for (const k of h.keys()) plain[k] = h.get(k);
  return { producer: producer.spanContext(), msg: message(seq, 'acme', events, { headers: plain }) };
}

describe('batch tracing', () => {
  it('joins each message to its ingest trace and links batch and requests both ways', async () => {
    const a = publishedMessage(1, [1, 2]);
    const b = publishedMessage(2, [3]);
    expect(a.msg.header('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const pipeline = new BatchPipeline({
      store: new InstrumentedEventStore(new MemoryStore()),
      deadLetters: new MemoryDeadLetters(),
      log: pino({ level: 'silent' }),
      backoff: { initialMs: 1, maxMs: 1 },
      maxAttempts: 3,
      isStopping: () => false,
    });
    await pipeline.process([a.msg, b.msg]);

    const [batch] = tracing.byName(BATCH_SPAN);
    expect(batch).toBeDefined();
    expect(batch!.parentSpanContext).toBeUndefined();
    expect(batch!.links.map((l) => l.context.spanId).sort()).toEqual([a.producer.spanId, b.producer.spanId].sort());

    const deliveries = tracing.byName(MESSAGE_SPAN);
    expect(deliveries).toHaveLength(2);
    for (const { producer } of [a, b]) {
      const d = deliveries.find((s) => s.spanContext().traceId === producer.traceId);
      expect(d?.parentSpanContext?.spanId).toBe(producer.spanId);
      expect(d?.links.map((l) => l.context.spanId)).toEqual([batch!.spanContext().spanId]);
    }

    for (const name of ['SELECT event_ids', 'INSERT events']) {
      const [step] = tracing.byName(name);
      expect(step?.parentSpanContext?.spanId, name).toBe(batch!.spanContext().spanId);
      expect(step?.kind).toBe(SpanKind.CLIENT);
    }
    expect(tracing.byName('INSERT events')[0]!.attributes['db.operation.batch.size']).toBe(3);
  });
});
