import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNats, type NatsHandle } from "../lib/nats-server.ts";
import { startClickHouse, type ClickHouseHandle } from "../lib/clickhouse-server.ts";
import { tcpAccepts } from "../lib/child-process.ts";
import { makeTempDir, removeTempDir } from "../lib/temp-dir.ts";
import { natsInfo, natsRequest } from "./nats-wire.ts";
import { pidAlive } from "./process-gone.ts";

interface Jsz {
  disabled?: boolean;
  config?: { store_dir: string; sync_always?: boolean };
}
interface StreamInfo {
  state?: { messages: number };
  error?: { description: string };
}
interface PubAck {
  stream?: string;
  seq?: number;
  error?: { description: string };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

async function publish(port: number, subject: string, body: string): Promise<PubAck> {
  const ack = (await natsRequest(port, subject, body)) as PubAck;
  expect(ack.error, JSON.stringify(ack)).toBeUndefined();
  return ack;
}

async function streamMessages(port: number, stream: string): Promise<number> {
  const info = (await natsRequest(port, `$JS.API.STREAM.INFO.${stream}`, "")) as StreamInfo;
  expect(info.error, JSON.stringify(info)).toBeUndefined();
  return info.state!.messages;
}

// ClickHouse 18.16 has no query parameters; the harness only needs literals.
async function sql(ch: ClickHouseHandle, query: string): Promise<string> {
  const res = await fetch(ch.url, { method: "POST", body: query });
  const text = await res.text();
  expect(res.status, `${query}\n${text}`).toBe(200);
  return text;
}

let root: string;
let nats: NatsHandle | undefined;
let ch: ClickHouseHandle | undefined;

beforeAll(async () => {
  root = await makeTempDir("devstack");
});

// Runs even when an assertion failed midway, so no server outlives the test.
afterAll(async () => {
  await nats?.stop();
  await ch?.stop();
  await removeTempDir(root);
});

describe("NATS JetStream (real nats-server)", () => {
  it("starts with JetStream on the configured store, restarts and survives a crash, then stops", async () => {
    nats = await startNats({ dataDir: join(root, "nats") });
    const { port } = nats;
    const firstPid = nats.pid!;
    expect(pidAlive(firstPid)).toBe(true);

    const info = await natsInfo(port);
    expect(info.jetstream).toBe(true);
    expect(info.max_payload).toBe(8 * 1024 * 1024);

    const jsz = await getJson<Jsz>(`${nats.monitorUrl}/jsz`);
    expect(jsz.disabled).toBeFalsy();
    expect(jsz.config?.store_dir).toBe(nats.storeDir);
    if (nats.syncAlways) expect(jsz.config?.sync_always).toBe(true);

    const created = (await natsRequest(port, "$JS.API.STREAM.CREATE.DEVSTACK", {
      name: "DEVSTACK",
      subjects: ["devstack.>"],
      storage: "file",
    })) as StreamInfo;
    expect(created.error, JSON.stringify(created)).toBeUndefined();
    expect((await publish(port, "devstack.a", "one")).seq).toBe(1);

    // Graceful restart: same port and data dir, new process, stream intact.
    await nats.restart();
    expect(nats.port).toBe(port);
    expect(nats.pid).not.toBe(firstPid);
    expect(pidAlive(firstPid)).toBe(false);
    expect(await streamMessages(port, "DEVSTACK")).toBe(1);

    // Crash: with sync_interval: always an acked message must survive SIGKILL.
    expect((await publish(port, "devstack.b", "two")).seq).toBe(2);
    const crashedPid = nats.pid!;
    await nats.kill("SIGKILL");
    expect(nats.pid).toBeUndefined();
    expect(pidAlive(crashedPid)).toBe(false);
    await nats.restart();
    if (nats.syncAlways) expect(await streamMessages(port, "DEVSTACK")).toBe(2);
    else expect(await streamMessages(port, "DEVSTACK")).toBeGreaterThanOrEqual(1);

    const lastPid = nats.pid!;
    await nats.stop();
    expect(nats.pid).toBeUndefined();
    expect(pidAlive(lastPid)).toBe(false);
    expect(await tcpAccepts(port)).toBe(false);
  });
});

describe("ClickHouse (real clickhouse-server)", () => {
  it("answers SQL over HTTP, keeps data across restart and crash, then stops", async () => {
    ch = await startClickHouse({ dataDir: join(root, "clickhouse") });
    const { httpPort } = ch;
    const firstPid = ch.pid!;
    expect(pidAlive(firstPid)).toBe(true);

    expect(await sql(ch, "SELECT 1")).toBe("1\n");
    await sql(ch, "CREATE TABLE devstack (x UInt32) ENGINE = MergeTree ORDER BY x");
    await sql(ch, "INSERT INTO devstack VALUES (1), (2), (3)");

    await ch.restart();
    expect(ch.httpPort).toBe(httpPort);
    expect(ch.pid).not.toBe(firstPid);
    expect(pidAlive(firstPid)).toBe(false);
    expect(await sql(ch, "SELECT count() FROM devstack")).toBe("3\n");

    const crashedPid = ch.pid!;
    await ch.kill();
    expect(ch.pid).toBeUndefined();
    expect(pidAlive(crashedPid)).toBe(false);
    await ch.restart();
    expect(await sql(ch, "SELECT sum(x) FROM devstack")).toBe("6\n");

    const lastPid = ch.pid!;
    await ch.stop();
    expect(ch.pid).toBeUndefined();
    expect(pidAlive(lastPid)).toBe(false);
    expect(await tcpAccepts(httpPort)).toBe(false);
    expect(await tcpAccepts(ch.tcpPort)).toBe(false);
  });
});
