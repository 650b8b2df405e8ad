import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_SCHEME,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import { adstreamMeter, type Meter } from '../telemetry/meter.ts';
import { METRIC } from '../telemetry/metric-names.ts';
import { tracer, tracingEnabled } from '../telemetry/tracing.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span while tracing is on. */
    traceSpan: Span | undefined;
  }
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/**
 * The attributes of one `http.server.request.duration` sample. Unknown
 * methods collapse to `_OTHER` and unmatched paths carry no route, so a
 * scanner probing random URLs cannot create new series.
 */
export function requestAttributes(method: string, route: string | undefined, statusCode: number): Attributes {
  const attrs: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: KNOWN_METHODS.has(method) ? method : HTTP_REQUEST_METHOD_VALUE_OTHER,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: statusCode,
    [ATTR_URL_SCHEME]: 'http',
  };
  if (route !== undefined) attrs[ATTR_HTTP_ROUTE] = route;
  if (statusCode >= 500) attrs[ATTR_ERROR_TYPE] = String(statusCode);
  return attrs;
}

/** The context to run a request's work in, so spans started there (e.g. a publish) become its children. */
export function requestContext(request: FastifyRequest): Context {
  return request.traceSpan === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, request.traceSpan);
}

/**
 * Records `http.server.request.duration` for every request from one
 * onResponse hook, cheaper than generic HTTP auto-instrumentation, and opens
 * a server span per request (continuing an incoming `traceparent`) while
 * tracing is on.
 */
export const requestMetrics = fp<{ meter?: Meter }>(
  async (app, opts) => {
    const duration = (opts.meter ?? adstreamMeter()).createHistogram(METRIC.httpServerRequestDuration, {
      unit: 's',
      description: 'Duration of HTTP server requests, from arrival to the response being sent',
    });
    app.decorateRequest('traceSpan', undefined);
    if (tracingEnabled()) {
      app.addHook('onRequest', async (request) => {
        const parent = propagation.extract(ROOT_CONTEXT, request.headers);
        const route = request.routeOptions.url;
        request.traceSpan = tracer().startSpan(
          route === undefined ? request.method : `${request.method} ${route}`,
          { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }) } },
          parent,
        );
      });
    }
    app.addHook('onResponse', async (request, reply) => {
      const attrs = requestAttributes(request.method, request.routeOptions.url, reply.statusCode);
      duration.record(reply.elapsedTime / 1000, attrs);
      const span = request.traceSpan;
      if (span !== undefined) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    app.addHook('onRequestAbort', async (request) => {
      request.traceSpan?.end();
    });
  },
  { name: 'adstream-request-metrics' },
);
