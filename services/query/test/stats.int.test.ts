import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey, type KeyEntry } from '../../../scripts/lib/api-keys-file.ts';
import { startLocalStack, type LocalStack } from '../../../scripts/lib/local-stack.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { waitFor } from '../../../scripts/lib/wait-for.ts';
import { buildQueryApp } from '../src/app.ts';
import { NatsLink } from '../src/stats/nats-link.ts';
import type { StatsBody } from '../src/stats/stats-schema.ts';

/**
 * /v1/stats and /v1/stream on real servers: the query service as a process
 * (JetStream figures, tenancy, the admin view, the event stream), and the
 * app in-process with a fixed clock where a figure depends on the time.
 */
let dir: string;
let stack: LocalStack;
let ch: ClickHouseClient;
const keys: Record<string, KeyEntry> = {};
const WINDOW_SECONDS = 5;

async function post(tenant: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[tenant]!.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
}

const impressions = (n: number, campaign = 'c1') => Array.from({ length: n }, () => ({ type: 'impression', campaign_id: campaign, cost: '0.001' }));

async function stats(key: string): Promise<StatsBody> {
  const res = await fetch(`${stack.queryUrl}/v1/stats`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as StatsBody;
}

async function storedCount(tenant: string): Promise<number> {
  const r = await ch.query({ query: `SELECT count() AS n FROM adstream.events WHERE tenant_id = '${tenant}'`, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

beforeAll(async () => {
  dir = await makeTempDir('stats');
  const entries: KeyEntry[] = [
    { key: newApiKey('ask_live'), tenant: 'live', scopes: ['ingest', 'query'] },
    { key: newApiKey('ask_other'), tenant: 'other', scopes: ['ingest', 'query'] },
    // Not a valid subject token: ingest publishes it under a hashed token, which stats must find too.
    { key: newApiKey('ask_dotted'), tenant: 'acme.eu', scopes: ['ingest', 'query'] },
    { key: newApiKey('ask_admin'), tenant: 'live', scopes: ['query', 'admin'] },
    { key: newApiKey('ask_clock'), tenant: 'clock', scopes: ['ingest', 'query'] },
  ];
  for (const e of entries) keys[e.scopes.includes('admin') ? 'admin' : e.tenant] = e;
  await writeFile(join(dir, 'keys.json'), JSON.stringify(entries));
  stack = await startLocalStack({
    dataDir: dir,
    apiKeysFile: join(dir, 'keys.json'),
    logLevel: 'warn',
    env: { FLUSH_INTERVAL_MS: '100', STATS_WINDOW_SECONDS: String(WINDOW_SECONDS), STREAM_INTERVAL_MS: '300' },
  });
  ch = createClient({ url: stack.clickhouse.url });
});

afterAll(async () => {
  await ch?.close();
  await stack?.stop();
  if (dir) await removeTempDir(dir);
});

describe('/v1/stats against the running stack', () => {
  it('reports an idle tenant as zero rates, nothing pending and no age; no pipeline without the admin scope', async () => {
    // The query service connects to NATS in the background: wait until its figures arrive.
    let body!: StatsBody;
    await waitFor('JetStream figures in /v1/stats', async () => (body = await stats(keys.other!.key)).tenant.pending_messages !== null, 30_000);
    expect(body).toEqual({
      window_seconds: WINDOW_SECONDS,
      tenant: { events_per_second_received: 0, events_per_second_stored: body.tenant.events_per_second_stored, pending_messages: 0, newest_event_age_seconds: null },
      pipeline: null,
    });
    expect([null, 0]).toContain(body.tenant.events_per_second_stored);
  });

  it("counts each tenant's requests waiting in JetStream while no processor runs, and shows admins the pipeline", async () => {
    await stack.processors[0]!.stop();
    for (let i = 0; i < 3; i++) await post('live', impressions(100));
    for (let i = 0; i < 2; i++) await post('acme.eu', impressions(10));
    await post('other', impressions(1));

    await waitFor('pending messages per tenant', async () => {
      const [live, dotted, other] = await Promise.all([stats(keys.live!.key), stats(keys['acme.eu']!.key), stats(keys.other!.key)]);
      return live.tenant.pending_messages === 3 && dotted.tenant.pending_messages === 2 && other.tenant.pending_messages === 1;
    }, 20_000);
    expect((await stats(keys.live!.key)).pipeline).toBeNull();

    let admin!: StatsBody;
    await waitFor('pipeline figures', async () => (admin = await stats(keys.admin!.key)).pipeline?.stream_messages === 6, 20_000);
    expect(admin.tenant.pending_messages).toBe(3);
    expect(admin.pipeline).toMatchObject({
      stream: 'ADSTREAM_EVENTS',
      consumer: 'processor',
      stream_messages: 6,
      consumer_num_pending: 6,
      consumer_num_ack_pending: 0,
      consumer_num_redelivered: 0,
    });
    expect(admin.pipeline!.stream_bytes).toBeGreaterThan(0);

    // The in-rate comes from the stream's last sequence sampled across requests.
    await waitFor('a positive in-rate', async () => {
      await post('other', impressions(1));
      return ((await stats(keys.admin!.key)).pipeline?.messages_in_per_second ?? 0) > 0;
    }, 20_000);
  });

  it('drains to zero pending once a processor runs again, and then shows a fresh newest event', async () => {
    await stack.addProcessor();
    await waitFor('the backlog to drain', async () => {
      const [live, dotted] = await Promise.all([stats(keys.live!.key), stats(keys['acme.eu']!.key)]);
      return live.tenant.pending_messages === 0 && dotted.tenant.pending_messages === 0 && (await storedCount('live')) === 300;
    }, 60_000);
    const live = await stats(keys.live!.key);
    expect(live.tenant.newest_event_age_seconds).not.toBeNull();
    expect(live.tenant.newest_event_age_seconds).toBeGreaterThanOrEqual(0);
    expect((await stats(keys['acme.eu']!.key)).tenant.newest_event_age_seconds).not.toBeNull();
  });

  it('sends the same figures as `stats` events on /v1/stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${stack.queryUrl}/v1/stream`, { headers: { authorization: `Bearer ${keys.admin!.key}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const events: StatsBody[] = [];
    while (events.length < 2) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${text}`);
      text += value;
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        const m = /^event: stats\ndata: (.*)$/.exec(frame);
        if (m) events.push(JSON.parse(m[1]!) as StatsBody);
      }
    }
    controller.abort();
    for (const e of events) {
      expect(e.window_seconds).toBe(WINDOW_SECONDS);
      expect(e.tenant.pending_messages).toBe(0);
      expect(e.pipeline).toMatchObject({ stream: 'ADSTREAM_EVENTS', consumer: 'processor' });
    }
  });
});

describe('/v1/stats figures at a known time (app in-process, fixed clock)', () => {
  let app: FastifyInstance;
  let nats: NatsLink;
  let nowMs = 0;

  beforeAll(async () => {
    nats = NatsLink.connect(stack.nats.url, 'stats-test', pino({ level: 'silent' }));
    app = await buildQueryApp({
      keys: new ApiKeyStore(Object.values(keys)),
      clickhouse: ch,
      database: stack.database,
      now: () => nowMs,
      live: { jetstream: nats, windowSeconds: WINDOW_SECONDS },
    });
  });

  afterAll(async () => {
    await app?.close();
    await nats?.close();
  });

  const statsAt = async (ms: number, key = keys.clock!.key): Promise<StatsBody> => {
    nowMs = ms;
    const res = await app.inject({ method: 'GET', url: '/v1/stats', headers: { authorization: `Bearer ${key}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as StatsBody;
  };

  async function receivedSeconds(): Promise<{ min: number; max: number }> {
    const r = await ch.query({
      query: `SELECT toUnixTimestamp(min(received_at)) AS min, toUnixTimestamp(max(received_at)) AS max FROM adstream.events WHERE tenant_id = 'clock'`,
      format: 'JSONEachRow',
    });
    const [row] = await r.json<{ min: string | number; max: string | number }>();
    return { min: Number(row!.min), max: Number(row!.max) };
  }

  it('derives received/s from received_at in the window, stored/s from the growth between samples, and the age', async () => {
    await post('clock', impressions(500));
    // Stored, and acknowledged (the processor acks after its insert): asked of the query process, so this app's samples stay untouched.
    await waitFor('500 events stored and acknowledged', async () => (await storedCount('clock')) === 500 && (await stats(keys.clock!.key)).tenant.pending_messages === 0);
    const first = await receivedSeconds();
    expect(first.max - first.min).toBeLessThan(WINDOW_SECONDS);
    // One second after the newest receive time: the window of whole seconds holds every event.
    const t1 = (first.max + 1) * 1_000 + 200;
    const a = await statsAt(t1);
    expect(a.tenant).toEqual({
      events_per_second_received: 500 / WINDOW_SECONDS,
      events_per_second_stored: null, // the first sample of this service
      pending_messages: 0,
      newest_event_age_seconds: 1.2,
    });

    // A window later the same rows have left the window; 300 more were stored in between.
    await post('clock', impressions(300));
    await waitFor('800 events stored', async () => (await storedCount('clock')) === 800);
    const b = await statsAt(t1 + 3_000 + WINDOW_SECONDS * 1_000);
    expect(b.tenant.events_per_second_stored).toBe(300 / (3 + WINDOW_SECONDS));
    const second = await receivedSeconds();
    expect(b.tenant.newest_event_age_seconds).toBeCloseTo((t1 + 3_000 + WINDOW_SECONDS * 1_000) / 1_000 - second.max, 1);
  });

  it('answers without NATS: JetStream figures are null, for admins too', async () => {
    const noNats = await buildQueryApp({ keys: new ApiKeyStore(Object.values(keys)), clickhouse: ch, database: stack.database });
    try {
      const res = await noNats.inject({ method: 'GET', url: '/v1/stats', headers: { authorization: `Bearer ${keys.admin!.key}` } });
      expect(res.statusCode).toBe(200);
      const body = res.json() as StatsBody;
      expect(body.tenant.pending_messages).toBeNull();
      expect(body.tenant.newest_event_age_seconds).not.toBeNull();
      expect(body.pipeline).toEqual({
        stream: 'ADSTREAM_EVENTS',
        consumer: 'processor',
        stream_messages: null,
        stream_bytes: null,
        consumer_num_pending: null,
        consumer_num_ack_pending: null,
        consumer_num_redelivered: null,
        messages_in_per_second: null,
      });
    } finally {
      await noNats.close();
    }
  });
});
