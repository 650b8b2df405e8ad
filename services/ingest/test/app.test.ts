import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { EVENT_COLUMNS } from '@adstream/shared/event-row';
import { buildIngestApp } from '../src/app.ts';
import { MessageTooLargeError, PublishError, type EventPublisher } from '../src/publisher.ts';

const INGEST_KEY = 'ingest-key-acme-0000000000';
const QUERY_KEY = 'query-key-acme-00000000000';
const NOW = Date.parse('2026-11-22T12:00:00Z');

/** Records what would be published; the real JetStream path is covered by the integration tests. */
class RecordingPublisher implements EventPublisher {
  published: { tenant: string; rows: string[]; ids: string[] }[] = [];
  failWith: Error | undefined;
  async publish(tenant: string, rows: readonly string[], ids: readonly string[]) {
    if (this.failWith) throw this.failWith;
    this.published.push({ tenant, rows: [...rows], ids: [...ids] });
    return { duplicate: false };
  }
  async ready() {
    return true;
  }
}

let app: FastifyInstance;
let publisher: RecordingPublisher;

beforeEach(async () => {
  publisher = new RecordingPublisher();
  app = await buildIngestApp({
    keys: new ApiKeyStore([
      { key: INGEST_KEY, tenant: 'acme', scopes: ['ingest'] },
      { key: QUERY_KEY, tenant: 'acme', scopes: ['query'] },
    ]),
    publisher,
    bodyLimitBytes: 64 * 1024,
    maxDecompressedBytes: 256 * 1024,
    maxEventsPerRequest: 100,
    rateLimitPerKeyRps: 1000,
    now: () => NOW,
  });
});
afterEach(() => app.close());

const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/events', payload, headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json', ...headers } });

const click = (extra: Record<string, unknown> = {}) => ({ type: 'click', campaign_id: 'c1', ...extra });

describe('POST /v1/events', () => {
  it('accepts a JSON array, stamps tenant, id and receive time', async () => {
    const res = await post(JSON.stringify([click(), click({ ts: NOW - 3_600_000 })]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2, rejected: 0, duplicates: 0, errors: [] });
    expect(publisher.published).toHaveLength(1);
    const rows = publisher.published[0]!.rows.map((r) => Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, r.split('\t')[i]])));
    expect(publisher.published[0]!.tenant).toBe('acme');
    expect(rows[0]).toMatchObject({ tenant_id: 'acme', type: 'click', campaign_id: 'c1', ts: String(NOW / 1000), received_at: String(NOW / 1000) });
    expect(rows[0]!.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(rows[1]!.ts).toBe(String(NOW / 1000 - 3600));
  });

  it('accepts {"events": [...]}, a single object, NDJSON and gzip', async () => {
    expect((await post(JSON.stringify({ events: [click()] }))).statusCode).toBe(202);
    expect((await post(JSON.stringify(click()))).statusCode).toBe(202);
    const ndjson = `${JSON.stringify(click())}\n\n${JSON.stringify(click())}\n`;
    const res = await post(ndjson, { 'content-type': 'application/x-ndjson' });
    expect(res.json()).toMatchObject({ accepted: 2 });
    const gz = await post(gzipSync(JSON.stringify([click(), click()])), { 'content-encoding': 'gzip' });
    expect(gz.statusCode).toBe(202);
    expect(gz.json()).toMatchObject({ accepted: 2 });
    expect(publisher.published).toHaveLength(4);
  });

  it('reports each invalid event with index and field and publishes the rest', async () => {
    const res = await post(JSON.stringify([click(), { type: 'click' }, click({ cost: 'x' })]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 1,
      rejected: 2,
      duplicates: 0,
      errors: [
        { index: 1, field: 'campaign_id', message: 'is required' },
        { index: 2, field: 'cost', message: 'must be a decimal amount with at most 6 fraction digits' },
      ],
    });
    expect(publisher.published[0]!.rows).toHaveLength(1);
  });

  it('answers 400 and publishes nothing when every event is invalid', async () => {
    const res = await post(JSON.stringify([{ type: 'nope', campaign_id: 'c' }]));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toEqual({ index: 0, field: 'type', message: 'must be one of impression, click, conversion, bid, win' });
    expect(publisher.published).toHaveLength(0);
  });

  it('reports an NDJSON line that is not JSON by its index', async () => {
    const res = await post(`${JSON.stringify(click())}\n{oops\n`, { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode).toBe(202);
    expect(res.json().errors).toEqual([{ index: 1, field: '', message: expect.stringContaining('line is not valid JSON') }]);
  });

  it('stores a repeated event_id once per request', async () => {
    const id = '0190b6b0-0000-7000-8000-000000000001';
    const res = await post(JSON.stringify([click({ event_id: id }), click({ event_id: id.toUpperCase() })]));
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(publisher.published[0]!.ids).toEqual([id]);
  });

  it.each([
    ['malformed JSON', '{', {}, 400, 'body is not valid JSON'],
    ['an empty array', '[]', {}, 400, 'no events'],
    ['a wrapper with extra keys', '{"events":[],"x":1}', {}, 400, 'exactly {"events"'],
    ['a scalar body', '42', {}, 400, 'body must be'],
    ['too many events', JSON.stringify(Array.from({ length: 101 }, () => click())), {}, 413, 'at most 100'],
    ['an oversized body', JSON.stringify([click({ metadata: { a: 'x'.repeat(500) } })]).padEnd(70_000, ' '), {}, 413, 'byte limit'],
    ['a wrong content type', 'a', { 'content-type': 'text/plain' }, 415, 'unsupported Content-Type'],
    ['an unknown content encoding', '[]', { 'content-encoding': 'br' }, 415, 'Content-Encoding'],
    ['broken gzip', 'not gzip', { 'content-encoding': 'gzip' }, 400, 'not valid gzip'],
  ])('refuses %s', async (_name, payload, headers, status, message) => {
    const res = await post(payload, headers as Record<string, string>);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toContain(message);
    expect(publisher.published).toHaveLength(0);
  });

  it('refuses a gzip bomb without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toContain('decompressed body exceeds');
  });

  it('asks for a key, and for the ingest scope', async () => {
    const none = await app.inject({ method: 'POST', url: '/v1/events', payload: '[]', headers: { 'content-type': 'application/json' } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await post('[]', { authorization: 'Bearer wrong-key-000000000000' })).statusCode).toBe(401);
    const wrongScope = await post(JSON.stringify([click()]), { authorization: `Bearer ${QUERY_KEY}` });
    expect(wrongScope.statusCode).toBe(403);
    expect(publisher.published).toHaveLength(0);
  });

  it('answers 503 with Retry-After when JetStream is unavailable', async () => {
    publisher.failWith = new PublishError('JetStream did not acknowledge the request (timeout): resend it', 2);
    const res = await post(JSON.stringify([click()]));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json().message).toBe('JetStream did not acknowledge the request (timeout): resend it');
  });

  it('answers 413 when the accepted events do not fit one message', async () => {
    publisher.failWith = new MessageTooLargeError('too large');
    expect((await post(JSON.stringify([click()]))).statusCode).toBe(413);
  });
});

describe('rate limit', () => {
  it('limits requests per key', async () => {
    const limited = await buildIngestApp({
      keys: new ApiKeyStore([{ key: INGEST_KEY, tenant: 'acme', scopes: ['ingest'] }]),
      publisher,
      bodyLimitBytes: 64 * 1024,
      maxDecompressedBytes: 256 * 1024,
      maxEventsPerRequest: 100,
      rateLimitPerKeyRps: 2,
      now: () => NOW,
    });
    const send = () =>
      limited.inject({ method: 'POST', url: '/v1/events', payload: JSON.stringify(click()), headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' } });
    const statuses = [(await send()).statusCode, (await send()).statusCode, (await send()).statusCode];
    expect(statuses).toEqual([202, 202, 429]);
    await limited.close();
  });
});

describe('health', () => {
  it('serves liveness and readiness without a key', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
