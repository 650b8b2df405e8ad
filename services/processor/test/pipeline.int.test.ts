import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { toRowLine } from '@adstream/shared/event-row';
import { MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeApiKeysFile, type KeyEntry } from '../../../scripts/lib/api-keys-file.ts';
import { startLocalStack, type LocalStack } from '../../../scripts/lib/local-stack.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { waitFor } from '../../../scripts/lib/wait-for.ts';

/**
 * The whole pipeline on real servers: HTTP ingest → JetStream → processor →
 * ClickHouse → query API. Each test writes under its own tenant, so tests
 * share one stack without seeing each other's data.
 */
let dir: string;
let stack: LocalStack;
let ch: ClickHouseClient;
let keys: Map<string, KeyEntry>;

const TENANTS = ['known', 'dups', 'invalid', 'crash', 'outage', 'poison', 'graceful'];
const NOW = Date.now();
const uuid = (tenantNo: number, n: number) => `0190b6b0-${tenantNo.toString(16).padStart(4, '0')}-7000-8000-${n.toString(16).padStart(12, '0')}`;

async function post(tenant: string, events: unknown[]): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.get(tenant)!.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function scalar(sql: string): Promise<number> {
  const r = await ch.query({ query: sql, format: 'TabSeparated' });
  return Number((await r.text()).trim());
}

const storedCount = (tenant: string) => scalar(`SELECT count() FROM adstream.events WHERE tenant_id = '${tenant}'`);
const distinctCount = (tenant: string) => scalar(`SELECT uniqExact(event_id) FROM adstream.events WHERE tenant_id = '${tenant}'`);


beforeAll(async () => {
  dir = await makeTempDir('pipeline');
  const entries = await writeApiKeysFile(join(dir, 'keys.json'), TENANTS);
  keys = new Map(entries.map((e) => [e.tenant, e]));
  stack = await startLocalStack({
    dataDir: dir,
    apiKeysFile: join(dir, 'keys.json'),
    logLevel: 'warn',
    // A short ack deadline makes a killed processor's messages come back within the test's patience.
    env: { FLUSH_INTERVAL_MS: '100', RETRY_MAX_MS: '1000', JETSTREAM_ACK_WAIT_MS: '5000', MAX_ATTEMPTS: '2' },
  });
  ch = createClient({ url: stack.clickhouse.url });
});

afterAll(async () => {
  await ch?.close();
  await stack?.stop();
  if (dir) await removeTempDir(dir);
});

describe('pipeline on real servers', () => {
  it('turns a known dataset into exact KPI totals', async () => {
    const ts = new Date(NOW - 10 * 60_000).toISOString();
    const base = { campaign_id: 'camp-1', ts, platform: 'meta', device: 'mobile', country: 'DE' };
    const events = [
      ...Array.from({ length: 200 }, (_, i) => ({ ...base, type: 'bid', bid_price: '0.5', user_id: `u${i % 50}` })),
      ...Array.from({ length: 50 }, () => ({ ...base, type: 'win', win_price: '0.4' })),
      ...Array.from({ length: 1000 }, (_, i) => ({ ...base, type: 'impression', cost: '0.002', user_id: `u${i % 100}` })),
      ...Array.from({ length: 40 }, () => ({ ...base, type: 'click', cost: '0.1' })),
      ...Array.from({ length: 4 }, () => ({ ...base, type: 'conversion', revenue: '12.25' })),
      { ...base, campaign_id: 'camp-2', type: 'impression', cost: '1' },
    ];
    const res = await post('known', events);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: events.length, rejected: 0, duplicates: 0, errors: [] });
    await waitFor('all events stored and rolled up', async () => {
      const rolledUp = await scalar(`SELECT sumMerge(impressions) + sumMerge(bids) + sumMerge(wins) + sumMerge(clicks) + sumMerge(conversions) FROM adstream.rollup_campaign_minute WHERE tenant_id = 'known'`);
      return (await storedCount('known')) === events.length && rolledUp === events.length;
    });

    const insights = await fetch(`${stack.queryUrl}/v1/campaigns/camp-1/insights?from=-1h`, { headers: { authorization: `Bearer ${keys.get('known')!.key}` } });
    expect(insights.status).toBe(200);
    const body = await insights.json();
    // spend = 1000 × 0.002 + 40 × 0.1 = 6; revenue = 4 × 12.25 = 49
    expect(body.totals).toEqual({
      impressions: 1000,
      clicks: 40,
      conversions: 4,
      bids: 200,
      wins: 50,
      unique_users: 100,
      spend: 6,
      revenue: 49,
      ctr: 0.04,
      cvr: 0.1,
      cpc: 0.15,
      cpm: 6,
      cpa: 1.5,
      roas: 49 / 6,
      win_rate: 0.25,
    });

    const byPlatform = await fetch(`${stack.queryUrl}/v1/campaigns/camp-1/insights?from=-2h&platform=tiktok`, { headers: { authorization: `Bearer ${keys.get('known')!.key}` } });
    expect((await byPlatform.json()).totals.impressions).toBe(0);

    const otherTenant = await fetch(`${stack.queryUrl}/v1/campaigns/camp-1/insights?from=-1h`, { headers: { authorization: `Bearer ${keys.get('dups')!.key}` } });
    expect((await otherTenant.json()).totals.impressions).toBe(0);
  });

  it('counts duplicates within and across requests once, in raw events and rollups', async () => {
    const ev = (n: number) => ({ event_id: uuid(2, n), type: 'impression', campaign_id: 'dup-camp', cost: '1', ts: new Date(NOW - 60_000).toISOString() });
    const first = await post('dups', [ev(1), ev(2), ev(1), ev(3)]);
    expect(first.body).toMatchObject({ accepted: 4, duplicates: 1 });
    await post('dups', [ev(1), ev(2), ev(3)]); // identical resend: dropped by JetStream's duplicate window
    await post('dups', [ev(3), ev(4)]); // overlap: event 3 dropped by the processor
    await waitFor('event 4 stored', async () => (await storedCount('dups')) >= 4);
    await post('dups', [ev(2), ev(5)]); // resent later, after event 2 is stored
    const rollupImpressions = () => scalar(`SELECT sumMerge(impressions) FROM adstream.rollup_campaign_minute WHERE tenant_id = 'dups'`);
    // An INSERT reaches the raw table before its materialized views, so wait for the rollup too;
    // then pause, so that a late double would still show up in the exact checks below.
    await waitFor('event 5 stored and rolled up', async () => (await storedCount('dups')) >= 5 && (await rollupImpressions()) >= 5);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedCount('dups')).toBe(5);
    expect(await distinctCount('dups')).toBe(5);
    expect(await rollupImpressions()).toBe(5);
    expect(await scalar(`SELECT sumMerge(spend_micros) FROM adstream.rollup_dimensions_hour WHERE tenant_id = 'dups'`)).toBe(5_000_000);
  });

  it('answers invalid events with precise errors and stores nothing of them', async () => {
    const res = await post('invalid', [
      { type: 'impression', campaign_id: 'c', country: 'Germany' },
      { type: 'click', campaign_id: 'c', ts: NOW + 3_600_000 },
      { type: 'click', campaign_id: 'c', advertiser_id: 'someone-else' },
      { type: 'click', campaign_id: 'c', unknown_field: 1 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { index: 0, field: 'country', message: 'must be an ISO 3166-1 alpha-2 code' },
      { index: 1, field: 'ts', message: 'is more than 5 minutes in the future' },
      { index: 2, field: 'advertiser_id', message: "does not match the API key's tenant (omit it: the server stamps it)" },
      { index: 3, field: 'unknown_field', message: 'unknown field' },
    ]);
    const sentinel = await post('invalid', [{ type: 'click', campaign_id: 'sentinel' }]);
    expect(sentinel.status).toBe(202);
    await waitFor('sentinel stored', async () => (await storedCount('invalid')) >= 1);
    expect(await storedCount('invalid')).toBe(1);
  });

  it('dead-letters poison messages with their reason without blocking the others', async () => {
    const nc = await connect({ servers: stack.nats.url });
    try {
      const js = jetstream(nc);
      const h = (count: string) => {
        const m = headers();
        m.set('Adstream-Format', MESSAGE_FORMAT_VERSION);
        m.set('Adstream-Tenant', 'poison');
        m.set('Adstream-Count', count);
        return m;
      };
      await js.publish('adstream.events.poison', 'not rows at all\n', { headers: h('1') });
      // Decodes fine, but ClickHouse refuses the enum value: only isolation finds it.
      const row = toRowLine({ type: 'click', campaign_id: 'p' }, uuid(6, 1), 'poison', Date.now(), Date.now());
      const bad = `${row.replace('\tclick\t', '\trefund\t')}\n`;
      await js.publish('adstream.events.poison', bad, { headers: h('1') });
      const good = await post('poison', [{ type: 'click', campaign_id: 'after-poison' }]);
      expect(good.status).toBe(202);
      await waitFor('the good event stored', async () => (await storedCount('poison')) === 1);
      const jsm = await jetstreamManager(nc);
      await waitFor('both poison messages dead-lettered', async () => (await jsm.streams.info('ADSTREAM_DEADLETTER')).state.messages === 2);
      const reasons: string[] = [];
      for (const seq of [1, 2]) {
        const m = await jsm.streams.getMessage('ADSTREAM_DEADLETTER', { seq });
        reasons.push(`${m!.subject}: ${m!.header.get('Adstream-Dead-Letter-Reason')}`);
      }
      expect(reasons.sort()).toEqual([
        expect.stringMatching(/^adstream\.deadletter\.rejected-by-clickhouse: .*refund/),
        expect.stringMatching(/^adstream\.deadletter\.undecodable: row 0 does not start with/),
      ]);
      expect(await storedCount('poison')).toBe(1);
    } finally {
      await nc.close();
    }
  });

  it('loses and doubles nothing when a processor is SIGKILLed mid-batch while traffic flows', async () => {
    await stack.addProcessor();
    const total = 60_000;
    const perRequest = 500;
    let sent = 0;
    const sender = (async () => {
      for (let start = 0; start < total; start += perRequest) {
        const events = Array.from({ length: perRequest }, (_, i) => ({ event_id: uuid(4, start + i), type: 'impression', campaign_id: 'crash-camp', cost: '0.001' }));
        for (;;) {
          const res = await post('crash', events);
          if (res.status === 202) break;
          expect(res.status).toBe(503);
          await new Promise((r) => setTimeout(r, 200));
        }
        sent += perRequest;
      }
    })();
    let kills = 0;
    const dead = new Set<number>();
    while (sent < total && kills < 3) {
      await new Promise((r) => setTimeout(r, 700));
      const victim = stack.processors.find((p) => !dead.has(p.pid));
      if (!victim) break;
      dead.add(victim.pid);
      await victim.kill();
      kills++;
      await stack.addProcessor();
    }
    await sender;
    expect(kills).toBeGreaterThan(0);
    await waitFor('every event stored and rolled up', async () => (await storedCount('crash')) >= total && (await scalar(`SELECT sumMerge(impressions) FROM adstream.rollup_campaign_hour WHERE tenant_id = 'crash'`)) >= total, 120_000);
    // Give any stray redelivery time to land before checking nothing was doubled.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await storedCount('crash')).toBe(total);
    expect(await distinctCount('crash')).toBe(total);
    expect(await scalar(`SELECT sumMerge(impressions) FROM adstream.rollup_campaign_hour WHERE tenant_id = 'crash'`)).toBe(total);
  });

  it('stops gracefully on SIGTERM under traffic: exit 0, nothing lost or doubled', async () => {
    const total = 20_000;
    const sender = (async () => {
      for (let start = 0; start < total; start += 500) {
        const events = Array.from({ length: 500 }, (_, i) => ({ event_id: uuid(7, start + i), type: 'bid', campaign_id: 'graceful-camp', bid_price: '0.01' }));
        const res = await post('graceful', events);
        expect(res.status).toBe(202);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const alive = await Promise.all(stack.processors.map((p) => Promise.race([p.exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 50))])));
    const running = stack.processors.filter((_, i) => alive[i]);
    expect(running.length).toBeGreaterThan(0);
    // Exit code 0 is a clean exit after flushing; null would mean it had to be SIGKILLed after 30 s.
    expect(await Promise.all(running.map((p) => p.stop('SIGTERM', 30_000)))).toEqual(running.map(() => 0));
    await sender;
    await stack.addProcessor();
    await waitFor('every event stored', async () => (await storedCount('graceful')) >= total, 120_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedCount('graceful')).toBe(total);
    expect(await distinctCount('graceful')).toBe(total);
  });

  it('drains the backlog after ClickHouse is stopped and restarted', async () => {
    await stack.clickhouse.stop();
    const n = 20;
    for (let i = 0; i < n; i++) {
      const res = await post('outage', Array.from({ length: 100 }, (_, j) => ({ event_id: uuid(5, i * 100 + j), type: 'click', campaign_id: 'outage-camp' })));
      expect(res.status).toBe(202);
    }
    await new Promise((r) => setTimeout(r, 3_000));
    await stack.clickhouse.restart();
    await waitFor('backlog drained', async () => (await storedCount('outage').catch(() => 0)) === n * 100, 120_000);
    expect(await distinctCount('outage')).toBe(n * 100);
  });
});
