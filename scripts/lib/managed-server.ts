import { isRunning, spawnLogged, stopProcess, waitReady, type Spawned } from "./child-process.ts";

export interface ManagedServerOptions {
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** A server process that can be stopped, crashed and brought back with the same ports and data. */
export interface ManagedServer {
  /** pid of the current process; undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful shutdown (SIGTERM), waits until the process has exited. No-op when stopped. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL, i.e. a crash) and waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if running, then starts it again and waits until it is ready. */
  restart(): Promise<void>;
}

export async function startManagedServer(o: ManagedServerOptions): Promise<ManagedServer> {
  const stopTimeoutMs = o.stopTimeoutMs ?? 30_000;
  let current: Spawned | undefined;

  const launch = async () => {
    const proc = await spawnLogged(o.command, o.args, { logFile: o.logFile, cwd: o.cwd, env: o.env });
    await waitReady({ name: o.name, process: proc, logFile: o.logFile, probe: o.ready, timeoutMs: o.readyTimeoutMs ?? 60_000 });
    current = proc;
  };
  const halt = async (signal: NodeJS.Signals, timeoutMs: number) => {
    const proc = current;
    current = undefined;
    if (proc) await stopProcess(proc, signal, timeoutMs);
  };

  await launch();
  return {
    get pid() {
      return current && isRunning(current) ? current.pid : undefined;
    },
    stop: () => halt("SIGTERM", stopTimeoutMs),
    // A signal the server survives would otherwise hang the caller; escalate.
    kill: (signal = "SIGKILL") => halt(signal, 10_000),
    restart: async () => {
      await halt("SIGTERM", stopTimeoutMs);
      await launch();
    },
  };
}
