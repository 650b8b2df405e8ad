// The persistent data folder of `npm run up`: a marker so `--fresh` deletes
// only folders that up itself created, and a pid lock so two stacks never
// share one NATS store or ClickHouse data path.

import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = '.adstream-data';
const LOCK = 'up.pid';

function runningUp(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A reused pid belongs to some other program; /proc tells them apart on Linux.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('up.ts');
  } catch {
    return true;
  }
}

async function readLock(dir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(dir, LOCK), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function deleteDataDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new Error(`--fresh: refusing to delete ${dir}: it is not empty and has no ${MARKER} file, so npm run up did not create it`);
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Takes the data folder for this process (deleting it first when `fresh`) and
 * returns the function that gives it back. Fails when another `npm run up`
 * is using it.
 */
export async function claimDataDir(dir: string, fresh: boolean): Promise<() => Promise<void>> {
  const holder = await readLock(dir);
  if (holder !== undefined && holder !== process.pid && runningUp(holder)) {
    throw new Error(`${dir} is in use by another npm run up (pid ${holder}); stop it or pick another --data-dir`);
  }
  if (fresh) await deleteDataDir(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'Data of `npm run up` (scripts/up.ts): NATS store, ClickHouse tables, logs, dev keys. `--fresh` deletes this folder.\n');
  await writeFile(join(dir, LOCK), `${process.pid}\n`);
  return () => rm(join(dir, LOCK), { force: true });
}
