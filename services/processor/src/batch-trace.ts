import { extractTraceContext } from '@adstream/shared/telemetry/nats-trace-context';
import { contextOfSpan, endSpan, SpanKind, spanContextOf, startSpan, tracingEnabled, withTraceContext, type Span } from '@adstream/shared/telemetry/tracing';
import type { InboundMessage } from './inbound-message.ts';

export const BATCH_SPAN = 'process adstream.events';
export const MESSAGE_SPAN = 'deliver adstream.events';

/**
 * Traces one batch both ways, so a slow batch can be followed end to end:
 *
 * - a batch span (root of its own trace) linking to every message's producer
 *   span; the ClickHouse lookup and insert become its children;
 * - in each ingest request's trace, a span under its publish span that covers
 *   the batch its events were stored in, linking back to the batch span.
 *
 * From a slow request one follows the link to its batch; from a slow batch
 * the links lead to every request in it. With tracing off it only runs `fn`.
 */
export async function traceBatch<T>(messages: readonly InboundMessage[], fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  const parents = messages.map((m) => extractTraceContext((name) => m.header(name)));
  const links = parents.flatMap((ctx) => {
    const sc = spanContextOf(ctx);
    return sc === undefined ? [] : [{ context: sc }];
  });
  const batch = startSpan(BATCH_SPAN, {
    root: true,
    kind: SpanKind.CONSUMER,
    links,
    attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.batch.message_count': messages.length },
  });
  const back = [{ context: batch.spanContext() }];
  const perMessage: Span[] = [];
  parents.forEach((ctx, i) => {
    if (spanContextOf(ctx) === undefined) return;
    perMessage.push(startSpan(MESSAGE_SPAN, { kind: SpanKind.CONSUMER, links: back, attributes: { 'messaging.message.id': String(messages[i]!.seq) } }, ctx));
  });
  try {
    const result = await withTraceContext(contextOfSpan(batch), fn);
    for (const s of [...perMessage, batch]) endSpan(s);
    return result;
  } catch (err) {
    for (const s of [...perMessage, batch]) endSpan(s, err);
    throw err;
  }
}
