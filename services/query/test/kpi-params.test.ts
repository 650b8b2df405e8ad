import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { buildQueryApp } from '../src/app.ts';

// Every request here is refused before a query is built; the ClickHouse client connects lazily and is never reached.
const KEY = 'params-test-key-000000000000';
const NOW = Date.parse('2026-03-13T06:00:00Z');
let app: FastifyInstance;

beforeAll(async () => {
  const clickhouse = createClickHouse({ url: 'http://127.0.0.1:9', username: 'default', password: '', requestTimeoutMs: 1_000 });
  app = await buildQueryApp({ keys: new ApiKeyStore([{ key: KEY, tenant: 'acme', scopes: ['query'] }]), clickhouse, database: 'adstream', now: () => NOW });
});

afterAll(async () => {
  await app?.close();
});

async function refused(url: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${KEY}` } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  return body.message;
}

describe('bad parameters are 400s naming the parameter', () => {
  it.each([
    ['/v1/campaigns/c1/insights?color=red', 'color: unknown parameter'],
    ['/v1/campaigns/c1/insights?from=yesterday', 'from: must be RFC 3339 or relative like -1h, -7d'],
    ['/v1/campaigns/c1/insights?to=2026-03-10', 'to: must be RFC 3339 or relative like -1h, -7d'],
    ['/v1/campaigns/c1/insights?from=-1h&from=-2h', 'from: must be a string'],
    ['/v1/campaigns/c1/insights?from=-1h&to=-2h', 'from: must be before to'],
    ['/v1/campaigns/c1/insights?from=-4d&granularity=minute', 'from: range must be at most 3 days for granularity=minute'],
    ['/v1/campaigns/c1/insights?from=-94d&granularity=hour', 'from: range must be at most 93 days for granularity=hour'],
    ['/v1/campaigns/c1/insights?from=-801d', 'from: range must be at most 800 days'],
    ['/v1/campaigns/c1/insights?granularity=week', 'granularity: must be one of minute, hour, day'],
    ['/v1/campaigns/c1/insights?platform=', 'platform: must not be empty'],
    [`/v1/campaigns/c1/insights?platform=${'x'.repeat(33)}`, 'platform: must be at most 32 characters'],
    [`/v1/campaigns/${'c'.repeat(129)}/insights`, 'id: must be at most 128 characters'],
    [`/v1/campaigns/${'%25'.repeat(200)}/insights`, 'id: must be at most 128 characters'],
    ['/v1/campaigns/a%20b/insights', 'id: must be printable ASCII without spaces'],
    ['/v1/campaigns?sort=popularity', 'sort: must be one of impressions, clicks, conversions, bids, wins, unique_users, spend, revenue, ctr, cvr, cpc, cpm, cpa, roas, win_rate'],
    ['/v1/campaigns?order=up', 'order: must be one of desc, asc'],
    ['/v1/campaigns?limit=0', 'limit: must be at least 1'],
    ['/v1/campaigns?limit=1001', 'limit: must be at most 1000'],
    ['/v1/campaigns?limit=2.5', 'limit: must be a whole number'],
    ['/v1/campaigns?limit=ten', 'limit: must be a number'],
    ['/v1/campaigns?from=-801d', 'from: range must be at most 800 days'],
    ['/v1/breakdown', 'dimension: is required'],
    ['/v1/breakdown?dimension=city', 'dimension: must be one of platform, device, country, ad, creative, publisher'],
    ['/v1/breakdown?dimension=ad&from=-94d', 'from: range must be at most 93 days'],
    ['/v1/breakdown?dimension=ad&limit=5000', 'limit: must be at most 1000'],
    ['/v1/breakdown?dimension=ad&campaign=c1', 'campaign: unknown parameter'],
    ['/v1/funnel?from=-1h', 'campaign_id: is required'],
    ['/v1/funnel?campaign_id=c1&from=-94d', 'from: range must be at most 93 days'],
    ['/v1/funnel?campaign_id=c1&from=2026-03-13T05:00:00.500Z&to=2026-03-13T05:00:00.900Z', 'from: must be at least one second before to'],
    ['/v1/events/latest?limit=-1', 'limit: must be at least 1'],
    ['/v1/events/latest?campaign_id=', 'campaign_id: must not be empty'],
    ['/v1/events/latest?type=click', 'type: unknown parameter'],
  ])('%s', async (url, message) => {
    expect(await refused(url)).toBe(message);
  });

  it('checks the key before the parameters', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/campaigns?color=red' });
    expect(res.statusCode).toBe(401);
  });
});
