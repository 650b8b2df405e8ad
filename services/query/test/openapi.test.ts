import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { buildQueryApp } from '../src/app.ts';
import { MEASURE_KEYS } from '../src/schemas/measures.ts';

// The document and the UI need no ClickHouse; the client connects lazily and is never reached.
let app: FastifyInstance;
let doc: any;

beforeAll(async () => {
  const clickhouse = createClickHouse({ url: 'http://127.0.0.1:9', username: 'default', password: '', requestTimeoutMs: 1_000 });
  app = await buildQueryApp({ keys: new ApiKeyStore([{ key: 'openapi-test-key-0000000000', tenant: 't', scopes: ['query'] }]), clickhouse, database: 'adstream' });
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  doc = JSON.parse(res.body);
});

afterAll(async () => {
  await app?.close();
});

/** The KPI routes and the query parameters each must document. */
const ROUTES: Record<string, { path: string[]; query: string[]; required: string[] }> = {
  '/v1/campaigns/{id}/insights': { path: ['id'], query: ['from', 'to', 'platform', 'granularity'], required: ['id'] },
  '/v1/campaigns': { path: [], query: ['from', 'to', 'sort', 'order', 'limit'], required: [] },
  '/v1/breakdown': { path: [], query: ['dimension', 'campaign_id', 'from', 'to', 'limit'], required: ['dimension'] },
  '/v1/funnel': { path: [], query: ['campaign_id', 'from', 'to'], required: ['campaign_id'] },
  '/v1/events/latest': { path: [], query: ['campaign_id', 'limit'], required: [] },
};

/** Follows a local `$ref` into components. */
function resolve(schema: any): any {
  if (schema?.$ref === undefined) return schema;
  const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
  expect(name, schema.$ref).toBeDefined();
  expect(doc.components.schemas[name!], `component ${name}`).toBeDefined();
  return doc.components.schemas[name!];
}

describe('GET /docs/json', () => {
  it('is an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.paths).toBeTypeOf('object');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    // Every reference points at a component that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) resolve({ $ref: JSON.parse(`{${ref}}`).$ref });
  });

  it.each(Object.entries(ROUTES))('documents GET %s with its parameters, responses and security', (path, expected) => {
    const op = doc.paths[path]?.get;
    expect(op, `${path} missing from ${Object.keys(doc.paths).join(', ')}`).toBeDefined();
    expect(typeof op.summary).toBe('string');
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    const params: { name: string; in: string; required?: boolean; schema: unknown }[] = op.parameters ?? [];
    expect(params.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(expected.path);
    expect(params.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual([...expected.query].sort());
    for (const p of params) {
      expect(p.schema, p.name).toBeTypeOf('object');
      expect(Boolean(p.required), `${path} ${p.name} required`).toBe(expected.required.includes(p.name));
    }
    for (const status of ['200', '400', '401', '403']) {
      const schema = resolve(op.responses[status]?.content?.['application/json']?.schema);
      expect(schema?.type, `${path} ${status}`).toBe('object');
    }
    expect(resolve(op.responses['400'].content['application/json'].schema).required).toEqual(['statusCode', 'error', 'message']);
  });

  it('describes the Measures object and the choices of enumerated parameters', () => {
    const measures = doc.components.schemas.Measures;
    expect(Object.keys(measures.properties)).toEqual(MEASURE_KEYS);
    expect(measures.properties.ctr.nullable).toBe(true);
    const insights = doc.paths['/v1/campaigns/{id}/insights'].get;
    const granularity = insights.parameters.find((p: { name: string }) => p.name === 'granularity');
    expect(granularity.schema.enum).toEqual(['minute', 'hour', 'day']);
    expect(resolve(insights.responses['200'].content['application/json'].schema).properties.totals).toEqual({ $ref: '#/components/schemas/Measures' });
    const sort = doc.paths['/v1/campaigns'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect(sort.schema.enum).toEqual(MEASURE_KEYS);
    const limit = doc.paths['/v1/campaigns'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 1000, default: 50 });
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI, which loads the document', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    expect(init.body).toContain('json');
    const bundle = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
  });
});
