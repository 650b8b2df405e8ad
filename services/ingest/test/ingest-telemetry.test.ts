import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { METRIC } from '@adstream/shared/telemetry/metric-names';
import { endSpan, SpanKind, startSpan } from '@adstream/shared/telemetry/tracing';
import { buildIngestApp } from '../src/app.ts';
import { PublishError, type EventPublisher } from '../src/publisher.ts';
import { countRejectReasons } from '../src/reject-reasons.ts';
import { metricsKit, type MetricsKit } from '../../shared/test/metrics-kit.ts';
import { startTestTracing } from '../../shared/test/tracing-kit.ts';

const KEY = 'ingest-key-acme-0000000000';
const NOW = Date.parse('2026-11-22T12:00:00Z');

/** Publishes nowhere; opens a span like the JetStream publisher does, so tests see where it lands in the trace. */
class SpanningPublisher implements EventPublisher {
  failWith: Error | undefined;
  receivedAt: number[] = [];
  async publish(_tenant: string, _rows: readonly string[], _ids: readonly string[], receivedAtMs: number) {
    endSpan(startSpan('publish ADSTREAM_EVENTS', { kind: SpanKind.PRODUCER }));
    this.receivedAt.push(receivedAtMs);
    if (this.failWith) throw this.failWith;
    return { duplicate: false };
  }
  async ready() {
    return true;
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The app with a real SDK meter registered globally, as main.ts has after startTelemetry. */
async function appWithTelemetry(): Promise<{ app: FastifyInstance; kit: MetricsKit; publisher: SpanningPublisher }> {
  const kit = metricsKit();
  cleanups.push(kit.installGlobally());
  const publisher = new SpanningPublisher();
  const app = await buildIngestApp({
    keys: new ApiKeyStore([{ key: KEY, tenant: 'acme', scopes: ['ingest'] }]),
    publisher,
    bodyLimitBytes: 64 * 1024,
    maxDecompressedBytes: 256 * 1024,
    maxEventsPerRequest: 100,
    rateLimitPerKeyRps: 1000,
    now: () => NOW,
  });
  cleanups.push(() => app.close());
  return { app, kit, publisher };
}

const post = (app: FastifyInstance, events: unknown[], headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/events', payload: JSON.stringify(events), headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers } });

const id = (n: number) => `0190b6b0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const click = (extra: Record<string, unknown> = {}) => ({ type: 'click', campaign_id: 'c1', ...extra });

describe('ingest metrics', () => {
  it('counts a request once: received = accepted + rejected, rejects by reason, repeats as duplicates', async () => {
    const { app, kit, publisher } = await appWithTelemetry();
    const res = await post(app, [click({ event_id: id(1) }), click({ event_id: id(1) }), click(), click({ colour: 'red' }), { type: 'click' }, click({ ts: NOW + 3_600_000 })]);
    expect(res.statusCode).toBe(202);
    expect(publisher.receivedAt).toEqual([NOW]);
    expect(await kit.value(METRIC.ingestEventsReceived)).toBe(6);
    expect(await kit.value(METRIC.ingestEventsAccepted)).toBe(3);
    expect(await kit.value(METRIC.ingestEventsDuplicate, { scope: 'request' })).toBe(1);
    expect(await kit.value(METRIC.ingestEventsRejected, { reason: 'unknown_field' })).toBe(1);
    expect(await kit.value(METRIC.ingestEventsRejected, { reason: 'missing_field' })).toBe(1);
    expect(await kit.value(METRIC.ingestEventsRejected, { reason: 'bad_timestamp' })).toBe(1);
    expect(await kit.value(METRIC.ingestEventsRejected, { reason: 'malformed' })).toBe(0);
    const http = await kit.histogram(METRIC.httpServerRequestDuration, { 'http.route': '/v1/events', 'http.response.status_code': 202 });
    expect(http?.count).toBe(1);
  });

  it('counts the valid events of a request JetStream did not store as rejected: unavailable', async () => {
    const { app, kit, publisher } = await appWithTelemetry();
    publisher.failWith = new PublishError('JetStream did not acknowledge', 2);
    expect((await post(app, [click(), click()])).statusCode).toBe(503);
    expect(await kit.value(METRIC.ingestEventsRejected, { reason: 'unavailable' })).toBe(2);
    expect(await kit.value(METRIC.ingestEventsAccepted)).toBeUndefined();
    expect((await kit.histogram(METRIC.httpServerRequestDuration, { 'http.response.status_code': 503, 'error.type': '503' }))?.count).toBe(1);
  });
});

describe('ingest tracing', () => {
  it('continues an incoming traceparent: server span → validate and publish spans', async () => {
    const tracing = startTestTracing();
    cleanups.push(() => tracing.stop());
    const { app } = await appWithTelemetry();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await post(app, [click()], { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(res.statusCode).toBe(202);
    const [server] = tracing.byName('POST /v1/events');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(server?.attributes['http.response.status_code']).toBe(202);
    for (const name of ['validate', 'publish ADSTREAM_EVENTS']) {
      const [child] = tracing.byName(name);
      expect(child?.parentSpanContext?.spanId, name).toBe(server!.spanContext().spanId);
    }
  });
});

describe('countRejectReasons', () => {
  it('counts an event with several errors once, under its first error', () => {
    const counts = countRejectReasons([
      { index: 0, field: 'colour', message: 'unknown field' },
      { index: 0, field: 'campaign_id', message: 'is required' },
      { index: 3, field: '', message: 'line is not valid JSON' },
      { index: 4, field: 'advertiser_id', message: "does not match the API key's tenant" },
      { index: 5, field: 'cost', message: 'must be a decimal' },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ unknown_field: 1, malformed: 1, tenant_mismatch: 1, invalid_value: 1 });
  });
});
