// The record a loaded benchmark data set keeps beside its ClickHouse data, so
// a later `--reuse` run knows what is there without loading 50M rows again.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { sameRequest, type DatasetRequest } from './bench-query-plan.ts';

const requestSchema = z.object({ events: z.number(), seed: z.number(), days: z.number(), campaignsPerTenant: z.number() });

const manifestSchema = z.object({
  request: requestSchema,
  plan: z.object({
    seed: z.number(),
    days: z.number(),
    endSec: z.number(),
    campaignsPerTenant: z.number(),
    usersPerWeight: z.number(),
    auctions: z.number(),
  }),
  load: z.object({ rows: z.number(), seconds: z.number(), rowsPerSecond: z.number() }),
  loadedAt: z.string(),
});

export type DatasetManifest = z.output<typeof manifestSchema>;

export async function readManifest(path: string): Promise<DatasetManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function writeManifest(path: string, manifest: DatasetManifest): Promise<void> {
  await writeFile(path, JSON.stringify(manifest, null, 2) + '\n');
}

export type ReuseDecision = { reuse: true } | { reuse: false; reason: string };

/** Whether the data set described by `manifest` is the one asked for. */
export function decideReuse(reuseAsked: boolean, manifest: DatasetManifest | undefined, request: DatasetRequest): ReuseDecision {
  if (!reuseAsked) return { reuse: false, reason: 'no --reuse given' };
  if (manifest === undefined) return { reuse: false, reason: 'no loaded data set found' };
  if (!sameRequest(manifest.request, request)) {
    const r = manifest.request;
    return { reuse: false, reason: `the loaded data set has --events ${r.events} --seed ${r.seed} --days ${r.days} --campaigns ${r.campaignsPerTenant}` };
  }
  return { reuse: true };
}
