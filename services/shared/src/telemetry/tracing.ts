import { context, isSpanContextValid, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext, type SpanOptions } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from './meter.ts';

export { SpanKind, type Span } from '@opentelemetry/api';

let enabled = false;

/**
 * Whether spans are recorded at all. Off (the default) means the hot paths
 * skip every tracing call instead of creating no-op spans: nothing to
 * allocate, no context to carry.
 */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Set by startTelemetry once a tracer provider is registered; tests set it around their own provider. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracer() {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

/** A span under the active context (or `parent`); call only while tracingEnabled(). */
export function startSpan(name: string, options: SpanOptions, parent: Context = context.active()): Span {
  return tracer().startSpan(name, options, parent);
}

/** The context a span runs in, for `withTraceContext`. */
export function contextOfSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** The valid span context carried by `ctx`, if any (a message from an untraced producer has none). */
export function spanContextOf(ctx: Context): SpanContext | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && isSpanContextValid(sc) ? sc : undefined;
}

export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  }
  span.end();
}

/** Runs `fn` with `ctx` as the active context, so spans started inside become its children. */
export function withTraceContext<T>(ctx: Context, fn: () => T): T {
  return enabled ? context.with(ctx, fn) : fn();
}

/** Runs `fn` inside a child span of the active context; with tracing off it only calls `fn`. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, options: SpanOptions = {}): Promise<T> {
  if (!enabled) return fn();
  const span = tracer().startSpan(name, { ...options, attributes });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), fn);
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}

/** The synchronous twin of `inSpan`, for steps such as validation that never wait. */
export function inSpanSync<T>(name: string, attributes: Attributes, fn: () => T, parent?: Context): T {
  if (!enabled) return fn();
  const span = tracer().startSpan(name, { attributes }, parent ?? context.active());
  try {
    const result = fn();
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}
