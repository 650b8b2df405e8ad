// API keys for `npm run up`: a given API_KEYS_FILE (validated by the services'
// own rules, its secrets never printed) or dev keys kept in the data folder.

import { access, readFile } from 'node:fs/promises';
import { ApiKeyStore, type ApiKeyEntry } from '@adstream/shared/api-keys';
import { writeApiKeysFile } from './api-keys-file.ts';

export const DEV_TENANTS = ['demo', 'acme'] as const;
export const TRAFFIC_TENANT = 'demo';

export interface UpKeys {
  file: string;
  entries: ApiKeyEntry[];
  /** True for dev keys (shown in full); false for a given API_KEYS_FILE (only tenants shown). */
  dev: boolean;
  /** Whether the dev keys were written just now. */
  created: boolean;
  /** The key traffic is sent with, if any key has the ingest scope. */
  traffic: ApiKeyEntry | undefined;
}

/** The entries of an API_KEYS_FILE, rejected with the same messages the services would give. */
async function readKeys(path: string): Promise<ApiKeyEntry[]> {
  await ApiKeyStore.fromFile(path);
  return JSON.parse(await readFile(path, 'utf8')) as ApiKeyEntry[];
}

export async function givenKeys(path: string): Promise<UpKeys> {
  const entries = await readKeys(path);
  return { file: path, entries, dev: false, created: false, traffic: entries.find((e) => e.scopes.includes('ingest')) };
}

/** Reuses `<data-dir>/dev-keys.json` so printed keys stay valid across restarts; writes it when missing. */
export async function devKeys(path: string): Promise<UpKeys> {
  const exists = await access(path).then(() => true, () => false);
  let entries: ApiKeyEntry[];
  try {
    entries = exists ? await readKeys(path) : await writeApiKeysFile(path, DEV_TENANTS);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(delete ${path} to get new dev keys)`);
  }
  const traffic = entries.find((e) => e.tenant === TRAFFIC_TENANT && e.scopes.includes('ingest'));
  if (!traffic) throw new Error(`${path} has no ingest key for tenant ${TRAFFIC_TENANT}; delete it to get new dev keys`);
  return { file: path, entries, dev: true, created: !exists, traffic };
}
