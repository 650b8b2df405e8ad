import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export interface KeyEntry {
  key: string;
  tenant: string;
  scopes: ('ingest' | 'query' | 'admin')[];
}

/** A fresh random key: 32 bytes, URL-safe, never a fixed default. */
export const newApiKey = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Keys for the given tenants, one ingest+query key each, written as an API_KEYS_FILE. */
export async function writeApiKeysFile(path: string, tenants: readonly string[]): Promise<KeyEntry[]> {
  const entries: KeyEntry[] = tenants.map((tenant) => ({ key: newApiKey(`ask_${tenant}`), tenant, scopes: ['ingest', 'query'] }));
  await writeFile(path, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  return entries;
}
