import { context, propagation, ROOT_CONTEXT, trace, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/nats-core';

const setter: TextMapSetter<MsgHdrs> = {
  set: (headers, key, value) => headers.set(key, value),
};

/** Anything that reads one header by name: a JetStream message, or a test's plain object. */
export type HeaderReader = (name: string) => string | undefined;

const getter: TextMapGetter<HeaderReader> = {
  // The W3C propagator asks only for the keys it knows (traceparent, tracestate, baggage).
  keys: () => [],
  get: (read, key) => read(key),
};

/** Writes `span`'s W3C trace context (`traceparent`, `tracestate`) into NATS message headers. */
export function injectTraceContext(headers: MsgHdrs, span: Span): void {
  propagation.inject(trace.setSpan(context.active(), span), headers, setter);
}

/** The context a producer wrote into a message, as the parent (or link) of the consumer's spans. */
export function extractTraceContext(read: HeaderReader): Context {
  return propagation.extract(ROOT_CONTEXT, read, getter);
}
