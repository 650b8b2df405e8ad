// `npm run up` end to end: scripts/up.ts started as a real process with the
// whole stack, driven over HTTP, stopped by a signal; nothing may outlive it.

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newApiKey, type KeyEntry } from "../lib/api-keys-file.ts";
import { freePort } from "../lib/free-port.ts";
import { makeTempDir, removeTempDir } from "../lib/temp-dir.ts";
import { nodeBinary, repoRoot } from "../lib/tools.ts";
import { pidAlive } from "./process-gone.ts";

interface UpRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const script = join(repoRoot(), "scripts", "up.ts");
// Descendants seen while a run was up; killed in afterAll if a failure left them (same pid and command only).
const seenProcesses: { pid: number; cmd: string }[] = [];

function startUp(args: readonly string[], env: Record<string, string>): UpRun {
  const base = { ...process.env };
  for (const name of ["API_KEYS_FILE", "INGEST_PORT", "QUERY_PORT", "PROMETHEUS_PORT", "INIT_CWD"]) delete base[name];
  const child = spawn(nodeBinary(), [script, ...args], { cwd: repoRoot(), env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (output += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (output += s));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(run: UpRun, text: string, timeoutMs = 120_000): Promise<void> {
  let done = false;
  void run.exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (done) throw new Error(`up exited before printing ${JSON.stringify(text)}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} after ${timeoutMs} ms:\n${run.output()}`);
    await sleep(200);
  }
}

function descendantCmd(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid`, from /proc (Linux). */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: { pid: number; cmd: string }[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push({ pid: c, cmd: descendantCmd(c) ?? "" });
      visit(c);
    }
  };
  visit(pid);
  return found;
}

async function stopWith(run: UpRun, signal: NodeJS.Signals): Promise<number | null> {
  run.child.kill(signal);
  const timeout = sleep(90_000, "timeout" as const);
  const result = await Promise.race([run.exited, timeout]);
  if (result === "timeout") throw new Error(`up did not exit within 90 s of ${signal}:\n${run.output()}`);
  return result;
}

async function impressions(queryUrl: string, key: string, campaign: string): Promise<number> {
  const res = await fetch(`${queryUrl}/v1/campaigns/${campaign}/insights?from=-1h`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { totals: { impressions: number } }).totals.impressions;
}

async function waitForImpressions(queryUrl: string, key: string, campaign: string, want: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await impressions(queryUrl, key, campaign);
    if (seen === want) return;
    await sleep(250);
  }
  throw new Error(`campaign ${campaign}: ${seen} impressions after 60 s, expected ${want}`);
}

let root: string;
let dataDir: string;
const runs: UpRun[] = [];
const blockers: Server[] = [];

beforeAll(async () => {
  root = await makeTempDir("up");
  dataDir = join(root, "data");
});

afterAll(async () => {
  // Only after a failed assertion is anything left; take down what this file started.
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      seenProcesses.push(...descendants(run.child.pid!));
      run.child.kill("SIGKILL");
      await run.exited;
    }
  }
  for (const p of seenProcesses) {
    const same = descendantCmd(p.pid) === p.cmd;
    if (same && pidAlive(p.pid)) process.kill(p.pid, "SIGKILL");
  }
  for (const b of blockers) b.close();
  await removeTempDir(root);
});

describe("npm run up (scripts/up.ts)", () => {
  it("rejects a bad flag with exit code 2 and names it", async () => {
    const run = startUp(["--rate", "fast", "--data-dir", dataDir], {});
    runs.push(run);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('--rate: expected a number of events per second (got "fast")');
  });

  it("fails with a message naming a busy port", async () => {
    const busy = await freePort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(busy, "127.0.0.1", resolve));
    const run = startUp(["--no-traffic", "--data-dir", dataDir], { INGEST_PORT: String(busy), QUERY_PORT: String(await freePort()) });
    runs.push(run);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`port ${busy} (INGEST_PORT) is in use`);
  });

  const campaign = "up-int-test";
  let ingestUrl: string;
  let queryUrl: string;
  let devKey: KeyEntry;

  it("starts the stack with dev keys, serves ingest and query, and stops everything on SIGTERM", async () => {
    const ingestPort = await freePort();
    const queryPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    queryUrl = `http://127.0.0.1:${queryPort}`;
    const run = startUp(["--no-traffic", "--fresh", "--data-dir", dataDir], { INGEST_PORT: String(ingestPort), QUERY_PORT: String(queryPort) });
    runs.push(run);
    await waitForOutput(run, "Ctrl-C to stop");

    const keys = JSON.parse(await readFile(join(dataDir, "dev-keys.json"), "utf8")) as KeyEntry[];
    expect(keys.map((k) => k.tenant)).toEqual(["demo", "acme"]);
    devKey = keys[0]!;
    const banner = run.output();
    expect(banner).toContain(ingestUrl);
    expect(banner).toContain(queryUrl);
    expect(banner).toContain(devKey.key);
    expect(banner).toContain("/insights?from=-1h");
    expect(banner).toContain(join(dataDir, "logs"));

    const children = descendants(run.child.pid!);
    const commands = children.map((c) => c.cmd).join("\n");
    expect(commands).toContain("nats-server");
    expect(commands).toContain("clickhouse-server");
    for (const service of ["ingest", "processor", "query"]) expect(commands).toContain(`services/${service}/src/main.ts`);
    seenProcesses.push(...children);

    const post = await fetch(`${ingestUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${devKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "impression", campaign_id: campaign }),
    });
    expect(post.status, await post.clone().text()).toBe(202);
    await waitForImpressions(queryUrl, devKey.key, campaign, 1);

    expect(await stopWith(run, "SIGTERM")).toBe(0);
    expect(run.output()).toContain("up: stopped");
    expect(children.filter((c) => pidAlive(c.pid))).toEqual([]);
    expect(readdirSync(dataDir)).not.toContain("up.pid");
  });

  it("keeps the data across a restart, honours a given API_KEYS_FILE without printing its keys, and starts Prometheus on request", async () => {
    const keysFile = join(root, "keys.json");
    const given: KeyEntry[] = [{ key: newApiKey("given"), tenant: "demo", scopes: ["ingest", "query"] }];
    await writeFile(keysFile, JSON.stringify(given));
    const prometheusUrl = `http://127.0.0.1:${await freePort()}`;
    const run = startUp(["--no-traffic", "--data-dir", dataDir, "--with-prometheus"], {
      INGEST_PORT: new URL(ingestUrl).port,
      QUERY_PORT: new URL(queryUrl).port,
      PROMETHEUS_PORT: new URL(prometheusUrl).port,
      API_KEYS_FILE: keysFile,
    });
    runs.push(run);
    await waitForOutput(run, "Ctrl-C to stop");
    const children = descendants(run.child.pid!);
    seenProcesses.push(...children);

    expect(run.output()).toContain(keysFile);
    expect(run.output()).toMatch(/^ {2}demo\b/m);
    expect(run.output()).not.toContain(given[0]!.key);
    expect(await impressions(queryUrl, given[0]!.key, campaign)).toBe(1);
    const old = await fetch(`${queryUrl}/v1/campaigns/${campaign}/insights?from=-1h`, { headers: { authorization: `Bearer ${devKey.key}` } });
    expect(old.status).toBe(401);

    expect(run.output()).toContain(`Prometheus  ${prometheusUrl}`);
    expect(children.map((c) => c.cmd).join("\n")).toContain("prometheus");
    const deadline = Date.now() + 60_000;
    let up: string[] = [];
    while (up.length < 3 && Date.now() < deadline) {
      const res = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent("up == 1")}`)).json()) as { data: { result: { metric: { job: string } }[] } };
      up = res.data.result.map((r) => r.metric.job).sort();
      if (up.length < 3) await sleep(500);
    }
    expect(up).toEqual(["adstream-ingest", "adstream-processor", "adstream-query"]);

    expect(await stopWith(run, "SIGTERM")).toBe(0);
    expect(children.filter((c) => pidAlive(c.pid))).toEqual([]);
  });
});
