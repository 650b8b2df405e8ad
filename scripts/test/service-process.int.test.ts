import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../lib/free-port.ts";
import { startService, type ServiceHandle } from "../lib/service-process.ts";
import { makeTempDir, removeTempDir } from "../lib/temp-dir.ts";
import { pidAlive } from "./process-gone.ts";

const entry = join(import.meta.dirname, "fixtures", "http-service.ts");
let root: string;
const started: ServiceHandle[] = [];

beforeAll(async () => {
  root = await makeTempDir("service-process");
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
  await removeTempDir(root);
});

describe("startService", () => {
  it("runs a .ts entry under Node 24, waits for readiness and stops it gracefully", async () => {
    const port = await freePort();
    const svc = await startService({
      name: "fixture",
      entry,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      logFile: join(root, "ok.log"),
    });
    started.push(svc);
    const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { node: string; vitest: string | null };
    expect(body.node).toMatch(/^v24\./);
    expect(body.vitest).toBeNull();

    expect(await svc.stop()).toBe(0);
    expect(await svc.exited).toBe(0);
    expect(pidAlive(svc.pid)).toBe(false);
  });

  it("reports a crash as a null exit code", async () => {
    const port = await freePort();
    const svc = await startService({
      name: "fixture",
      entry,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      logFile: join(root, "crash.log"),
    });
    started.push(svc);
    expect(await svc.kill()).toBeNull();
    expect(pidAlive(svc.pid)).toBe(false);
  });

  it("fails with the log tail when the process exits before it is ready", async () => {
    const port = await freePort();
    await expect(
      startService({
        name: "broken",
        entry,
        env: { PORT: String(port), FAIL_ON_START: "bad config" },
        readyUrl: `http://127.0.0.1:${port}/healthz`,
        logFile: join(root, "broken.log"),
      }),
    ).rejects.toThrow(/exited \(code 3\)[\s\S]*fixture failing on purpose: bad config/);
  });
});
