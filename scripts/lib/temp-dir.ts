import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, relative, isAbsolute } from "node:path";
import { repoRoot } from "./tools.ts";

/**
 * Temp dirs live under the repo's git-ignored .data/tmp/ rather than /tmp:
 * server data (JetStream store, ClickHouse parts) can be large, and keeping it
 * next to the checkout makes a failed run's logs easy to find.
 */
export function tempRoot(): string {
  return join(repoRoot(), ".data", "tmp");
}

export async function makeTempDir(prefix: string): Promise<string> {
  await mkdir(tempRoot(), { recursive: true });
  return mkdtemp(join(tempRoot(), `${prefix.replace(/[^\w.-]/g, "_")}-`));
}

/**
 * Removes a dir made by makeTempDir. Set ADSTREAM_KEEP_TMP=1 to keep it for
 * inspecting server logs after a failure. Refuses paths outside .data/tmp so a
 * bad argument can't delete anything else.
 */
export async function removeTempDir(dir: string): Promise<void> {
  const rel = relative(tempRoot(), dir);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new Error(`removeTempDir: ${dir} is not inside ${tempRoot()}`);
  }
  if (process.env.ADSTREAM_KEEP_TMP === "1") return;
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
