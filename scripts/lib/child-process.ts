import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles once the process is gone (and reaped), never rejects. */
  readonly exited: Promise<Exit>;
}

export interface SpawnLoggedOptions {
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

// Children still running when this process exits would outlive a crashed test
// run and hold ports and data dirs; kill them on the way out (best effort: a
// SIGKILLed parent cannot clean up).
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForExit(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const c of running) {
      try {
        c.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Spawns a process whose stdout and stderr go straight to a log file (appended,
 * so a restart keeps the previous run's output). Writing through a file
 * descriptor rather than a pipe means a busy or blocked parent can never stall
 * the child on a full pipe.
 */
export async function spawnLogged(command: string, args: readonly string[], opts: SpawnLoggedOptions): Promise<Spawned> {
  const fd = openSync(opts.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (err) => reject(new Error(`cannot start ${command}: ${err.message}`)));
  });
  trackForExit(child);
  return { child, pid: child.pid!, exited };
}

export function isRunning(p: Spawned): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/**
 * Sends `signal` and waits for the process to go away; escalates to SIGKILL
 * after `timeoutMs` so a hung shutdown can't wedge a test run.
 */
export async function stopProcess(p: Spawned, signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<Exit> {
  if (!isRunning(p)) return p.exited;
  p.child.kill(signal);
  const timer = sleep(timeoutMs, "timeout" as const, { ref: false });
  if ((await Promise.race([p.exited, timer])) === "timeout") p.child.kill("SIGKILL");
  return p.exited;
}

/** The last lines of a log file, for error messages; never throws. */
export function logTail(file: string, lines = 40): string {
  try {
    const text = readFileSync(file, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch (err) {
    return `(no log: ${(err as Error).message})`;
  }
}

function describeExit(e: Exit): string {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

export interface WaitReadyOptions {
  name: string;
  process: Spawned;
  logFile: string;
  probe: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it passes. Fails fast, with the log tail, when the
 * process dies first (bad config, port taken), rather than waiting out the
 * timeout. On timeout the process is killed so nothing is left behind.
 */
export async function waitReady(o: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let exit: Exit | undefined;
  void o.process.exited.then((e) => (exit = e));
  for (;;) {
    if (exit) {
      throw new Error(`${o.name} exited (${describeExit(exit)}) before it was ready; log ${o.logFile}:\n${logTail(o.logFile)}`);
    }
    if (await o.probe()) return;
    if (Date.now() > deadline) {
      await stopProcess(o.process, "SIGKILL");
      throw new Error(`${o.name} not ready after ${o.timeoutMs} ms; log ${o.logFile}:\n${logTail(o.logFile)}`);
    }
    await sleep(o.intervalMs ?? 100);
  }
}

/**
 * True when GET `url` answers 2xx (and `bodyCheck` accepts the body).
 * Uses a fresh connection closed right after: a probe's pooled keep-alive
 * socket would otherwise hold up a server's graceful shutdown (ClickHouse
 * waits for idle connections to close).
 */
export function httpReady(url: string, bodyCheck?: (body: string) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { agent: false, headers: { connection: "close" }, timeout: 2_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 && (bodyCheck ? bodyCheck(body) : true));
      });
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function tcpAccepts(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
