import { createClickHouse } from '@adstream/shared/clickhouse';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQueryApp } from '../src/app.ts';
import { DASHBOARD_CSP } from '../src/dashboard.ts';

// Static serving and auth only: nothing here reaches ClickHouse, whose client connects lazily.
let app: FastifyInstance;
const INGEST_ONLY = 'dashboard-test-ingest-0123456789';

beforeAll(async () => {
  const clickhouse = createClickHouse({ url: 'http://127.0.0.1:9', username: 'default', password: '', requestTimeoutMs: 1_000 });
  app = await buildQueryApp({ keys: new ApiKeyStore([{ key: INGEST_ONLY, tenant: 't1', scopes: ['ingest'] }]), clickhouse, database: 'adstream' });
});

afterAll(async () => {
  await app?.close();
});

describe('dashboard files', () => {
  it('serves the page at / with a strict Content-Security-Policy', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<script type="module" src="/js/main.js"></script>');
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe');
  });

  it('serves the page in a form that needs no inline script or style', async () => {
    const html = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
  });

  it('serves its modules and stylesheet with JavaScript and CSS types', async () => {
    for (const [url, type] of [
      ['/js/main.js', /javascript/],
      ['/js/sse.js', /javascript/],
      ['/style.css', /text\/css/],
    ] as const) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(type);
    }
  });

  it('serves the Chart.js UMD build from node_modules, and nothing else of that folder', async () => {
    const res = await app.inject({ method: 'GET', url: '/vendor/chart.js/chart.umd.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toContain('Chart.js v4.6.1');
    for (const url of ['/vendor/chart.js/chart.js', '/vendor/chart.js/chart.umd.min.js.map', '/vendor/chart.js/../package.json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('leaves unknown paths to the 404 handler instead of a static catch-all', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('live routes need a query key', () => {
  it.each(['/v1/stats', '/v1/stream'])('%s answers 401 without a key and 403 without the query scope', async (url) => {
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer not-a-key-at-all-000' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${INGEST_ONLY}` } })).statusCode).toBe(403);
  });
});

describe('OpenAPI document', () => {
  it('describes /v1/stats with its body and /v1/stream as an event stream', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const stats = doc.paths['/v1/stats'].get;
    expect(stats.security).toEqual([{ bearerAuth: [] }]);
    const body = stats.responses['200'].content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['window_seconds', 'tenant', 'pipeline']);
    expect(Object.keys(body.properties.tenant.properties)).toEqual([
      'events_per_second_received',
      'events_per_second_stored',
      'pending_messages',
      'newest_event_age_seconds',
    ]);
    const stream = doc.paths['/v1/stream'].get;
    expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream']);
    expect(Object.keys(stream.responses['429'].content)).toEqual(['application/json']);
  });
});
