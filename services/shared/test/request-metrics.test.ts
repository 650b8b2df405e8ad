import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { requestAttributes, requestMetrics } from '../src/http/request-metrics.ts';
import { HISTOGRAM_BUCKETS } from '../src/telemetry/histogram-buckets.ts';
import { METRIC } from '../src/telemetry/metric-names.ts';
import { metricsKit } from './metrics-kit.ts';

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function appWithMetrics() {
  const kit = metricsKit();
  const app = Fastify();
  apps.push(app);
  await app.register(requestMetrics, { meter: kit.meter });
  app.get('/v1/things/:id', async () => ({ ok: true }));
  app.post('/v1/fail', async () => {
    throw new Error('boom');
  });
  return { app, kit };
}

describe('http.server.request.duration', () => {
  it('records each request once with method, route template and status', async () => {
    const { app, kit } = await appWithMetrics();
    for (const id of ['a', 'b', 'c']) expect((await app.inject({ method: 'GET', url: `/v1/things/${id}` })).statusCode).toBe(200);
    const h = await kit.histogram(METRIC.httpServerRequestDuration, { 'http.route': '/v1/things/:id', 'http.response.status_code': 200, 'http.request.method': 'GET' });
    expect(h?.count).toBe(3);
    // The semantic-convention buckets, not the SDK's millisecond defaults.
    expect(h?.buckets.boundaries).toEqual(HISTOGRAM_BUCKETS[METRIC.httpServerRequestDuration]);
  });

  it('marks server errors with error.type and leaves unmatched paths without a route', async () => {
    const { app, kit } = await appWithMetrics();
    expect((await app.inject({ method: 'POST', url: '/v1/fail' })).statusCode).toBe(500);
    expect((await app.inject({ method: 'GET', url: '/random/probe/123' })).statusCode).toBe(404);
    expect((await kit.histogram(METRIC.httpServerRequestDuration, { 'http.route': '/v1/fail', 'error.type': '500' }))?.count).toBe(1);
    const notFound = (await kit.points(METRIC.httpServerRequestDuration)).filter((p) => p.attributes['http.response.status_code'] === 404);
    expect(notFound).toHaveLength(1);
    expect(notFound[0]!.attributes).not.toHaveProperty('http.route');
  });
});

describe('requestAttributes', () => {
  it('collapses unknown methods to _OTHER so they cannot mint series', () => {
    expect(requestAttributes('BREW', undefined, 405)).toEqual({ 'http.request.method': '_OTHER', 'http.response.status_code': 405, 'url.scheme': 'http' });
  });
});
