// The sender against a real HTTP server (node:http on port 0), no mocks.
// Pacing is checked by counting requests, never by asserting how long something took;
// the only time bound used is a lower one (a Retry-After pause cannot end early).

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrafficModel, type WireEvent } from '../lib/traffic-model.ts';
import {
  createTrafficSender,
  parseRetryAfter,
  percentile,
  summarizeLatency,
  type BatchSource,
} from '../lib/traffic-sender.ts';

interface Received {
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Body bytes exactly as received. */
  raw: Buffer;
  events: WireEvent[];
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; hang?: boolean };

interface TestServer {
  url: string;
  received: Received[];
  maxConcurrent: number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Parses the body like the ingest API would; `reply` decides the answer for the n-th request. */
async function startServer(reply: (req: Received, n: number) => Reply = (r) => ok(r.events.length)): Promise<TestServer> {
  const received: Received[] = [];
  let active = 0;
  const state = { maxConcurrent: 0 };
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    active++;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const plain = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const text = plain.toString('utf8');
      const events: WireEvent[] =
        req.headers['content-type'] === 'application/x-ndjson'
          ? text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as WireEvent)
          : (JSON.parse(text) as { events: WireEvent[] }).events;
      const r: Received = { at: performance.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, events };
      received.push(r);
      const answer = reply(r, received.length - 1);
      if (answer.hang) return; // never answer
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(body);
    } finally {
      active--;
    }
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function ok(n: number, rejected = 0): Reply {
  return { status: 202, body: { accepted: n - rejected, rejected, errors: [] } };
}

function model(seed = 1): BatchSource {
  return createTrafficModel({ seed, campaigns: 10 });
}

describe('traffic sender', () => {
  it('sends exactly rate × duration events, paced, with bounded concurrency and the bearer key', async () => {
    const server = await startServer((r) => ({ ...ok(r.events.length), delayMs: 20 }));
    const sender = createTrafficSender({
      url: server.url,
      key: 'test-key',
      source: model(),
      rate: 2000,
      durationMs: 1000,
      batchSize: 100,
      concurrency: 3,
      lateStartGraceMs: 10_000,
    });
    const before = performance.now();
    const report = await sender.run();

    expect(server.received).toHaveLength(20);
    expect(server.received.reduce((n, r) => n + r.events.length, 0)).toBe(2000);
    for (const r of server.received) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/v1/events');
      expect(r.headers.authorization).toBe('Bearer test-key');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['content-encoding']).toBeUndefined();
    }
    // Paced, not fired at once: batch k is due 50·k ms after the start and cannot arrive
    // earlier, so within the first 300 ms at most 6 of the 20 requests can have arrived
    // (fewer if the machine is slow).
    expect(server.received.filter((r) => r.at - before < 300).length).toBeLessThanOrEqual(6);
    expect(server.maxConcurrent).toBeLessThanOrEqual(3);
    expect(report.stats.maxInFlight).toBeLessThanOrEqual(3);

    expect(report.reason).toBe('completed');
    expect(report.stats).toMatchObject({
      batches: 20,
      requests: 20,
      retries: 0,
      sent: 2000,
      accepted: 2000,
      rejected: 0,
      failed: 0,
      networkErrors: 0,
      inFlight: 0,
      httpErrors: {},
    });
    expect(report.stats.latencyMs).toHaveLength(20);
    expect(report.latency.count).toBe(20);
    expect(report.latency.p50).toBeGreaterThan(0);
    // Every event once: the ids are those the model produced.
    const ids = server.received.flatMap((r) => r.events.map((e) => e.event_id));
    expect(new Set(ids).size).toBe(2000);
  });

  it('honours Retry-After on 503 and 429 and resends the identical body', async () => {
    const server = await startServer((r, n) => {
      if (n === 0) return { status: 503, headers: { 'retry-after': '1' }, body: { error: 'overloaded' } };
      if (n === 1) return { status: 429, headers: { 'retry-after': '0' }, body: { error: 'slow down' } };
      return ok(r.events.length);
    });
    const sender = createTrafficSender({
      url: server.url,
      key: 'k',
      source: model(),
      rate: 1000,
      durationMs: 200,
      batchSize: 100,
      concurrency: 1,
      lateStartGraceMs: 10_000,
    });
    const report = await sender.run();

    // One worker, so the order is fixed: batch 1 (503), its retries (429, 202), batch 2.
    const [first, second, third, fourth] = server.received;
    expect(second!.raw.equals(first!.raw)).toBe(true);
    expect(third!.raw.equals(first!.raw)).toBe(true);
    expect(third!.events.map((e) => e.event_id)).toEqual(first!.events.map((e) => e.event_id));
    expect(fourth!.raw.equals(first!.raw)).toBe(false);
    // Retry-After: 1 means nothing more for a second (a lower bound: sleeps never end early).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);

    expect(server.received).toHaveLength(4);
    expect(new Set(server.received.flatMap((r) => r.events.map((e) => e.event_id))).size).toBe(200);
    expect(report.stats).toMatchObject({
      batches: 2,
      requests: 4,
      retries: 2,
      sent: 200,
      accepted: 200,
      failed: 0,
      httpErrors: { '503': 1, '429': 1 },
    });
    expect(report.stats.errorSamples.map((e) => e.status)).toEqual([503, 429]);
  });

  it('counts accepted, rejected, HTTP errors by status and unparsed answers; only 429/502/503/504 are retried', async () => {
    const answers: Array<(n: number) => Reply> = [
      (n) => ({ status: 202, body: { accepted: n - 3, rejected: 3, errors: [{ index: 0, field: 'type', message: 'bad' }] } }),
      () => ({ status: 400, body: { error: 'invalid body' } }),
      () => ({ status: 401, body: { error: 'unauthorized' } }),
      () => ({ status: 500, body: { error: 'boom' } }),
      () => ({ status: 202, body: 'not json' }),
    ];
    // Batch k gets answers[k]; the 6th batch gets a 502 then succeeds on its retry.
    let batch = -1;
    let lastBody: Buffer | undefined;
    const server = await startServer((r, n) => {
      if (!lastBody || !r.raw.equals(lastBody)) batch++;
      lastBody = r.raw;
      const a = answers[batch];
      if (a) return a(r.events.length);
      return n === 5 ? { status: 502 } : ok(r.events.length);
    });
    const sender = createTrafficSender({
      url: server.url,
      key: 'k',
      source: model(),
      rate: 10_000,
      durationMs: 60,
      batchSize: 100,
      concurrency: 1,
      backoffMs: 5,
      lateStartGraceMs: 10_000,
    });
    const report = await sender.run();
    const s = report.stats;
    expect(server.received).toHaveLength(7);
    expect(s).toMatchObject({
      batches: 6,
      requests: 7,
      retries: 1,
      sent: 600,
      accepted: 97 + 100 + 100, // batch 0 (97), unparsed 202 (all 100), batch 5 after its retry
      rejected: 3,
      failed: 300,
      failedBatches: 3,
      unparsedResponses: 1,
      httpErrors: { '400': 1, '401': 1, '500': 1, '502': 1 },
      networkErrors: 0,
    });
    expect(s.latencyMs).toHaveLength(7);
    expect(s.errorSamples.map((e) => e.status)).toEqual([202, 400, 401, 500, 502]);
    expect(s.errorSamples[1]!.body).toContain('invalid body');
  });

  it('sends NDJSON and gzip bodies that decode to the model events', async () => {
    const server = await startServer();
    const sender = createTrafficSender({
      url: `${server.url}/`,
      key: 'k',
      source: model(42),
      rate: 5000,
      durationMs: 100,
      batchSize: 250,
      format: 'ndjson',
      gzip: true,
      lateStartGraceMs: 10_000,
    });
    const report = await sender.run();
    expect(server.received).toHaveLength(2);
    for (const r of server.received) {
      expect(r.path).toBe('/v1/events');
      expect(r.headers['content-type']).toBe('application/x-ndjson');
      expect(r.headers['content-encoding']).toBe('gzip');
    }
    const expected = createTrafficModel({ seed: 42, campaigns: 10 });
    expect(server.received.flatMap((r) => r.events)).toEqual([...expected.nextBatch(250), ...expected.nextBatch(250)]);
    expect(report.stats.accepted).toBe(500);
    expect(report.stats.bytesSent).toBe(server.received.reduce((n, r) => n + r.raw.length, 0));
  });

  it('runs until aborted with duration 0, and stops taking work on abort', async () => {
    const controller = new AbortController();
    const server = await startServer((r, n) => {
      if (n === 4) controller.abort();
      return ok(r.events.length);
    });
    const report = await createTrafficSender({
      url: server.url,
      key: 'k',
      source: model(),
      rate: 2000,
      durationMs: 0,
      batchSize: 50,
      concurrency: 1,
      signal: controller.signal,
    }).run();
    const count = server.received.length;
    expect(report.reason).toBe('aborted');
    expect(count).toBe(5);
    expect(report.stats.sent).toBe(250);
    expect(report.stats.accepted).toBe(250);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.received.length).toBe(count);
  });

  it('ends by itself when the server never answers (drain timeout) and counts the loss', async () => {
    const server = await startServer(() => ({ status: 202, hang: true }));
    const report = await createTrafficSender({
      url: server.url,
      key: 'k',
      source: model(),
      rate: 1000,
      durationMs: 100,
      batchSize: 50,
      concurrency: 4,
      lateStartGraceMs: 60_000, // the drain timer starts once the last batch has started
      drainTimeoutMs: 200,
    }).run();
    expect(report.reason).toBe('completed');
    expect(report.stats.batches).toBe(2);
    expect(report.stats.failed).toBe(100);
    expect(report.stats.accepted).toBe(0);
    expect(report.stats.inFlight).toBe(0);
  });

  it('stops at the end of the duration even while a batch is still being retried', async () => {
    const server = await startServer(() => ({ status: 503, headers: { 'retry-after': '1' } }));
    const report = await createTrafficSender({
      url: server.url,
      key: 'k',
      source: model(),
      rate: 1000,
      durationMs: 100,
      batchSize: 50,
      concurrency: 1,
      maxAttempts: 100,
      lateStartGraceMs: 0,
      drainTimeoutMs: 300,
    }).run();
    // The one worker is stuck on batch 1, so batch 2 never starts; the retry wait is cut short.
    expect(report.reason).toBe('completed');
    expect(server.received).toHaveLength(1);
    expect(report.stats).toMatchObject({ batches: 1, requests: 1, failed: 50, failedBatches: 1, httpErrors: { '503': 1 } });
  });

  it('retries network errors with the same body, then gives up after maxAttempts', async () => {
    const server = await startServer();
    const url = server.url;
    await server.close(); // nothing listens there any more
    servers.length = 0;
    const report = await createTrafficSender({
      url,
      key: 'k',
      source: model(),
      rate: 1000,
      durationMs: 50,
      batchSize: 50,
      maxAttempts: 3,
      backoffMs: 1,
      lateStartGraceMs: 10_000,
    }).run();
    expect(report.stats).toMatchObject({ batches: 1, requests: 3, retries: 2, networkErrors: 3, failed: 50, failedBatches: 1 });
    expect(report.stats.lastNetworkError).toMatch(/fetch failed/);
  });
});

describe('sender helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.UTC(2025, 0, 1);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([], 50)).toBe(0);
    expect(summarizeLatency([3, 1, 2])).toMatchObject({ count: 3, min: 1, p50: 2, max: 3, mean: 2 });
  });
});
