import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeApiKeysFile, type KeyEntry } from '../../../scripts/lib/api-keys-file.ts';
import { startLocalStack, type LocalStack } from '../../../scripts/lib/local-stack.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { waitFor } from '../../../scripts/lib/wait-for.ts';

/**
 * Ingest against a real JetStream that cannot take data: stopped, or full.
 * It must answer 503 with Retry-After and accept nothing of such a request;
 * whatever it did acknowledge must all be stored in the end.
 */
let dir: string;
let stack: LocalStack;
let ch: ClickHouseClient;
let key: KeyEntry;

const STREAM_MAX_BYTES = 300_000;

beforeAll(async () => {
  dir = await makeTempDir('backpressure');
  [key] = (await writeApiKeysFile(join(dir, 'keys.json'), ['bp'])) as [KeyEntry];
  stack = await startLocalStack({
    dataDir: dir,
    apiKeysFile: join(dir, 'keys.json'),
    logLevel: 'warn',
    withQuery: false,
    env: { JETSTREAM_MAX_BYTES: String(STREAM_MAX_BYTES), PUBLISH_TIMEOUT_MS: '1500', FLUSH_INTERVAL_MS: '100' },
  });
  ch = createClient({ url: stack.clickhouse.url });
});

afterAll(async () => {
  await ch?.close();
  await stack?.stop();
  if (dir) await removeTempDir(dir);
});

async function post(n: number, campaign: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const events = Array.from({ length: n }, () => ({ type: 'impression', campaign_id: campaign, cost: '0.001' }));
  const res = await fetch(`${stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

async function stored(): Promise<number> {
  const r = await ch.query({ query: "SELECT count() FROM adstream.events WHERE tenant_id = 'bp'", format: 'TabSeparated' });
  return Number((await r.text()).trim());
}


describe('ingest when JetStream cannot take data', () => {
  it('answers 503 + Retry-After while the stream is full, and stores exactly what it acknowledged', async () => {
    // No processor: nothing drains the stream, so it fills up.
    await stack.processors[0]!.stop();
    let acknowledged = 0;
    let full: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 100 && !full; i++) {
      const res = await post(200, 'fill');
      if (res.status === 202) acknowledged += res.body.accepted;
      else full = res;
    }
    expect(full?.status).toBe(503);
    expect(full?.retryAfter).toBe('30');
    expect(full?.body.message).toMatch(/stream is full: nothing of this request was stored/);
    expect(acknowledged).toBeGreaterThan(0);

    await stack.addProcessor();
    await waitFor('the acknowledged events stored', async () => (await stored()) >= acknowledged);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stored()).toBe(acknowledged);
    expect((await post(10, 'after-drain')).status).toBe(202);
  });

  it('answers 503 + Retry-After while NATS is down, and recovers by itself', async () => {
    await stack.nats.stop();
    const down = await post(10, 'down');
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('2');
    expect(down.body.message).toMatch(/JetStream did not acknowledge the request .*: resend it/);
    const ready = await fetch(`${stack.ingestUrl}/readyz`);
    expect(ready.status).toBe(503);

    await stack.nats.restart();
    let res = await post(10, 'up-again');
    for (let i = 0; i < 50 && res.status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 200));
      res = await post(10, 'up-again');
    }
    expect(res.status).toBe(202);
    // The unacknowledged request may or may not have landed after the reconnect; the acknowledged one must.
    await waitFor('the acknowledged events stored', async () => {
      const r = await ch.query({ query: "SELECT count() FROM adstream.events WHERE tenant_id = 'bp' AND campaign_id = 'up-again'", format: 'TabSeparated' });
      return Number((await r.text()).trim()) >= 10;
    });
  });
});
