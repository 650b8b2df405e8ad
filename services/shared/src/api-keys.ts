import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const SCOPES = ['ingest', 'query', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenant: string;
  scopes: ReadonlySet<Scope>;
  /** A short, non-secret name for the key (a digest prefix), safe to log and to rate-limit by. */
  keyId: string;
}

const keyFileSchema = z
  .array(
    z.strictObject({
      key: z.string().min(16, 'must be at least 16 characters').max(256),
      tenant: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
      scopes: z.array(z.enum(SCOPES)).min(1, 'must name at least one scope'),
    }),
  )
  .min(1, 'must hold at least one key');

export type ApiKeyEntry = z.input<typeof keyFileSchema>[number];

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * API keys, looked up by the SHA-256 of the presented token: the map lookup
 * leaks nothing about stored keys, and the final comparison is constant-time.
 */
export class ApiKeyStore {
  readonly #byDigest = new Map<string, { digest: Buffer; principal: Principal }>();

  constructor(entries: readonly ApiKeyEntry[]) {
    const parsed = keyFileSchema.parse(entries);
    for (const entry of parsed) {
      const d = digest(entry.key);
      const hex = d.toString('hex');
      if (this.#byDigest.has(hex)) throw new Error('API keys must be unique');
      this.#byDigest.set(hex, {
        digest: d,
        principal: { tenant: entry.tenant, scopes: new Set(entry.scopes), keyId: hex.slice(0, 12) },
      });
    }
  }

  lookup(token: string): Principal | undefined {
    const d = digest(token);
    const hit = this.#byDigest.get(d.toString('hex'));
    return hit && timingSafeEqual(hit.digest, d) ? hit.principal : undefined;
  }

  static async fromFile(path: string): Promise<ApiKeyStore> {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`API_KEYS_FILE ${path}: cannot be read (${(err as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new Error(`API_KEYS_FILE ${path}: not valid JSON (${(err as Error).message})`);
    }
    const result = keyFileSchema.safeParse(json);
    if (!result.success) {
      const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`API_KEYS_FILE ${path}: ${detail}`);
    }
    return new ApiKeyStore(result.data);
  }
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
