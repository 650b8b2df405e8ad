import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiKeyStore, bearerToken } from '../src/api-keys.ts';

const KEY = 'k'.repeat(32);

describe('ApiKeyStore', () => {
  it('finds the principal of a known key only', () => {
    const store = new ApiKeyStore([{ key: KEY, tenant: 'acme', scopes: ['ingest'] }]);
    const p = store.lookup(KEY);
    expect(p?.tenant).toBe('acme');
    expect([...p!.scopes]).toEqual(['ingest']);
    expect(p!.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(store.lookup(KEY.slice(1))).toBeUndefined();
  });

  it('rejects short keys, unknown scopes and duplicates', () => {
    expect(() => new ApiKeyStore([{ key: 'short', tenant: 'a', scopes: ['ingest'] }])).toThrow(/16 characters/);
    expect(() => new ApiKeyStore([{ key: KEY, tenant: 'a', scopes: ['root' as 'admin'] }])).toThrow();
    expect(() => new ApiKeyStore([{ key: KEY, tenant: 'a', scopes: ['ingest'] }, { key: KEY, tenant: 'b', scopes: ['query'] }])).toThrow(/unique/);
  });

  it('names the file and the entry when the file is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys.json');
    await writeFile(file, JSON.stringify([{ key: KEY, tenant: 'a', scopes: [] }]));
    await expect(ApiKeyStore.fromFile(file)).rejects.toThrow(/keys\.json: 0\.scopes: must name at least one scope/);
    await writeFile(file, '{');
    await expect(ApiKeyStore.fromFile(file)).rejects.toThrow(/not valid JSON/);
    await expect(ApiKeyStore.fromFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
  });
});

describe('bearerToken', () => {
  it('reads only well-formed bearer headers', () => {
    expect(bearerToken(`Bearer ${KEY}`)).toBe(KEY);
    expect(bearerToken(`bearer  ${KEY} `)).toBe(KEY);
    expect(bearerToken(`Basic ${KEY}`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
