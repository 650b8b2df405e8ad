import { spawnLogged, stopProcess, waitReady, httpReady, type Spawned } from "./child-process.ts";
import { nodeBinary, repoRoot } from "./tools.ts";

export interface ServiceOptions {
  /** For messages only, e.g. "ingest". */
  name: string;
  /** Path to the service's .ts main; run directly by Node 24 (type stripping). */
  entry: string;
  /** Added on top of the parent's environment (minus vitest's own variables). */
  env: Record<string, string>;
  /** Polled until it answers 2xx; without it the service counts as started once spawned. */
  readyUrl?: string;
  logFile: string;
  cwd?: string;
  readyTimeoutMs?: number;
  /** Extra node flags, e.g. ["--cpu-prof"] for benchmarks. */
  nodeArgs?: readonly string[];
}

export interface ServiceHandle {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Exit code once the process is gone; null when it died from a signal. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, waits up to `timeoutMs`, then SIGKILLs; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL (a crash), waits until gone. */
  kill(): Promise<number | null>;
}

// A service started from a test would otherwise believe it runs inside vitest.
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("VITEST") && k !== "TEST") env[k] = v;
  }
  return { ...env, ...extra };
}

export async function startService(opts: ServiceOptions): Promise<ServiceHandle> {
  const proc: Spawned = await spawnLogged(nodeBinary(), [...(opts.nodeArgs ?? []), opts.entry], {
    logFile: opts.logFile,
    cwd: opts.cwd ?? repoRoot(),
    env: childEnv(opts.env),
  });
  const exited = proc.exited.then((e) => e.code);
  const readyUrl = opts.readyUrl;
  if (readyUrl !== undefined) {
    await waitReady({
      name: `service ${opts.name} (${opts.entry})`,
      process: proc,
      logFile: opts.logFile,
      probe: () => httpReady(readyUrl),
      timeoutMs: opts.readyTimeoutMs ?? 30_000,
    });
  }
  return {
    name: opts.name,
    pid: proc.pid,
    logFile: opts.logFile,
    exited,
    stop: async (signal = "SIGTERM", timeoutMs = 10_000) => (await stopProcess(proc, signal, timeoutMs)).code,
    kill: async () => (await stopProcess(proc, "SIGKILL")).code,
  };
}
