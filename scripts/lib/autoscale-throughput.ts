// Measures what one processor replica really does on this machine: a backlog
// is put into JetStream through ingest while no processor runs, then a single
// processor is started and timed while it works the backlog off into
// ClickHouse. Used by `npm run bench:autoscale` (unless --rate is given).
import { join } from "node:path";
import { createClient } from "@clickhouse/client";
import { writeApiKeysFile } from "./api-keys-file.ts";
import { startLocalStack } from "./local-stack.ts";
import { makeTempDir, removeTempDir } from "./temp-dir.ts";
import { createTrafficModel } from "./traffic-model.ts";

export interface ThroughputMeasurement {
  eventsPerSecond: number;
  events: number;
  seconds: number;
  eventsPerMessage: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureProcessorThroughput(o: { events: number; batch: number; log: (msg: string) => void }): Promise<ThroughputMeasurement> {
  const dir = await makeTempDir("bench-autoscale");
  const [key] = await writeApiKeysFile(join(dir, "keys.json"), ["bench"]);
  o.log(`starting NATS, ClickHouse, ingest and one processor in ${dir}`);
  const stack = await startLocalStack({
    dataDir: dir,
    apiKeysFile: join(dir, "keys.json"),
    logLevel: "warn",
    withQuery: false,
    env: { RATE_LIMIT_PER_KEY_RPS: "1000000", MAX_EVENTS_PER_REQUEST: String(o.batch) },
  });
  const ch = createClient({ url: stack.clickhouse.url });
  try {
    const count = async () =>
      Number((await (await ch.query({ query: "SELECT count() FROM adstream.events WHERE tenant_id = 'bench'", format: "TabSeparated" })).text()).trim());
    // The first processor has applied the migrations; stop it so the backlog stays in JetStream.
    await stack.processors[0]!.stop();
    const model = createTrafficModel({ seed: 11, campaigns: 200 });
    const bodies = Array.from({ length: 32 }, () => JSON.stringify({ events: model.nextBatch(o.batch).map(({ event_id: _id, ts: _ts, ...rest }) => rest) }));
    const headers = { authorization: `Bearer ${key!.key}`, "content-type": "application/json" };
    let sent = 0;
    const worker = async () => {
      while (sent < o.events) {
        const i = sent / o.batch;
        sent += o.batch;
        const res = await fetch(`${stack.ingestUrl}/v1/events`, { method: "POST", headers, body: bodies[i % bodies.length] });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`ingest answered ${res.status} while filling the backlog`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    o.log(`backlog of ${sent} events in JetStream; starting one processor`);
    await stack.addProcessor();
    // Time the middle 80%: the start (connecting, first fetch) and the tail (last partial batch) are not throughput.
    const low = Math.round(sent * 0.1);
    const high = Math.round(sent * 0.9);
    let t0: number | undefined;
    let n0 = 0;
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error("the processor stored too little within 10 minutes (ADSTREAM_KEEP_TMP=1 keeps its log)");
      const n = await count();
      const now = performance.now();
      if (t0 === undefined && n >= low) [t0, n0] = [now, n];
      if (t0 !== undefined && n >= high) {
        const seconds = (now - t0) / 1000;
        return { eventsPerSecond: Math.round((n - n0) / seconds), events: n - n0, seconds, eventsPerMessage: o.batch };
      }
      await sleep(100);
    }
  } finally {
    await ch.close();
    await stack.stop();
    await removeTempDir(dir);
  }
}
