import { createClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { buildQueryApp } from '../src/app.ts';

// No ClickHouse: these answers come before any query would reach it.
const clickhouse = createClient({ url: 'http://127.0.0.1:9' });
const keys = new ApiKeyStore([
  { key: 'query-key-0123456789', tenant: 'acme', scopes: ['query'] },
  { key: 'ingest-key-0123456789', tenant: 'acme', scopes: ['ingest'] },
]);
let app: FastifyInstance;

const post = (payload: unknown, key = 'query-key-0123456789') =>
  app.inject({ method: 'POST', url: '/v1/sql', headers: { authorization: `Bearer ${key}` }, payload: payload as object });

beforeAll(async () => {
  app = await buildQueryApp({ keys, clickhouse, database: 'adstream' });
});

afterAll(async () => {
  await app.close();
  await clickhouse.close();
});

describe('POST /v1/sql without ClickHouse', () => {
  it('needs a key with the query scope', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/sql', payload: { sql: 'SELECT 1' } })).statusCode).toBe(401);
    expect((await post({ sql: 'SELECT 1' }, 'ingest-key-0123456789')).statusCode).toBe(403);
  });

  it('validates the body, naming the field', async () => {
    expect((await post({})).json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'sql: is required' });
    expect((await post({ sql: '' })).json()).toMatchObject({ statusCode: 400, message: 'sql: must not be empty' });
    expect((await post({ sql: 42 })).json()).toMatchObject({ statusCode: 400, message: 'sql: must be a string' });
    expect((await post({ sql: `SELECT ${'1+'.repeat(5000)}1` })).json()).toMatchObject({ statusCode: 400, message: 'sql: must be at most 10000 characters' });
    expect((await post({ sql: 'SELECT 1', settings: { readonly: 0 } })).json()).toMatchObject({ statusCode: 400, message: 'settings: unknown parameter' });
  });

  it('answers 503 when no read-only SQL user is configured', async () => {
    const res = await post({ sql: 'SELECT 1' });
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toMatch(/CLICKHOUSE_SQL_USER/);
  });

  it('is in the OpenAPI document with its body and response', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/v1/sql'].post;
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['sql']);
    expect(Object.keys(op.responses['200'].content['application/json'].schema.properties)).toEqual(['columns', 'rows', 'rows_read', 'elapsed_ms', 'truncated']);
  });
});
