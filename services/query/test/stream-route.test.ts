import type { AddressInfo } from 'node:net';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/wait-for.ts';
import { buildQueryApp } from '../src/app.ts';

// ClickHouse is deliberately unreachable: these tests are about the HTTP stream
// itself (headers, framing, limits, shutdown); stats.int.test.ts checks figures on real servers.
const KEYS = [
  { key: 'stream-test-key-a-0123456789', tenant: 'a', scopes: ['query'] as const },
  { key: 'stream-test-key-b-0123456789', tenant: 'b', scopes: ['query'] as const },
  { key: 'stream-test-key-i-0123456789', tenant: 'a', scopes: ['ingest'] as const },
];
let app: FastifyInstance | undefined;
let base: string;

async function start(maxPerKey = 2): Promise<void> {
  const clickhouse = createClient({ url: 'http://127.0.0.1:9', log: { level: ClickHouseLogLevel.OFF } });
  app = await buildQueryApp({
    keys: new ApiKeyStore(KEYS.map((k) => ({ ...k, scopes: [...k.scopes] }))),
    clickhouse,
    database: 'adstream',
    live: { maxPerKey, intervalMs: 250, heartbeatMs: 1_000 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

// fetch may hold a spare connection that never sends a request; server.close() would wait for it.
afterEach(async () => {
  const closing = app?.close();
  app?.server.closeAllConnections();
  await closing;
  app = undefined;
});

interface Opened {
  res: Response;
  controller: AbortController;
  /** Reads until the text so far contains `marker`; returns all text read. */
  readUntil(marker: string): Promise<string>;
  /** Reads to the end of the body; resolves with the text read. */
  readToEnd(): Promise<string>;
}

async function open(key: string): Promise<Opened> {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    res,
    controller,
    async readUntil(marker) {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${JSON.stringify(marker)}; got ${JSON.stringify(text)}`);
        text += value;
      }
      return text;
    },
    async readToEnd() {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += value;
      }
    },
  };
}

describe('GET /v1/stream', () => {
  it('is an event stream that reports failing figures as stats_error events and keeps going', async () => {
    await start();
    const s = await open(KEYS[0]!.key);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.res.headers.get('cache-control')).toBe('no-store');
    const text = await s.readUntil('event: stats_error\ndata: {"message":"statistics are unavailable right now; the stream retries"}\n\n');
    expect(text.startsWith(': stats stream open\n\n')).toBe(true);
    // A second failure proves the stream outlives the first one.
    await s.readUntil('\n\nevent: stats_error\ndata: {"message":"statistics are unavailable right now; the stream retries"}\n\nevent: stats_error');
    s.controller.abort();
  });

  it('refuses a key without the query scope, and unknown parameters', async () => {
    await start();
    const forbidden = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${KEYS[2]!.key}` } });
    expect(forbidden.status).toBe(403);
    const unknown = await fetch(`${base}/v1/stream?window=5`, { headers: { authorization: `Bearer ${KEYS[0]!.key}` } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toBe('window: unknown parameter');
  });

  it('allows STREAM_MAX_PER_KEY streams per key, answers 429 beyond, and frees the slot when a client goes away', async () => {
    await start(2);
    const first = await open(KEYS[0]!.key);
    const second = await open(KEYS[0]!.key);
    await Promise.all([first.readUntil('event:'), second.readUntil('event:')]);
    const third = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${KEYS[0]!.key}` } });
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'this API key already has 2 open streams; close one first' });
    // Another key has its own allowance.
    const other = await open(KEYS[1]!.key);
    expect(other.res.status).toBe(200);
    other.controller.abort();

    first.controller.abort();
    let again: Response | undefined;
    await waitFor('the aborted stream to free its slot', async () => {
      again = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${KEYS[0]!.key}` } });
      if (again.status === 200) return true;
      await again.body?.cancel();
      return false;
    }, 10_000);
    await again!.body!.cancel();
    second.controller.abort();
  });

  it('ends open streams when the server closes, so close() does not wait for them', async () => {
    await start();
    const a = await open(KEYS[0]!.key);
    const b = await open(KEYS[1]!.key);
    await Promise.all([a.readUntil('event:'), b.readUntil('event:')]);
    const ends = Promise.all([a.readToEnd(), b.readToEnd()]);
    await app!.close();
    app = undefined;
    const [textA, textB] = await ends;
    expect(textA).toContain('event: stats_error');
    expect(textB).toContain('event: stats_error');
  });
});
