/**
 * End-to-end pipeline benchmark: HTTP ingest → JetStream → processor →
 * ClickHouse on this machine, load generator included. Prints sustained
 * events/s, ingest acknowledgement latency, freshness (acknowledged → visible
 * in ClickHouse) and peak RSS / CPU per process. Numbers, not assertions.
 *
 *   npm run bench:pipeline -- --duration 60            # as fast as it goes
 *   npm run bench:pipeline -- --duration 60 --rate 50000
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { z } from 'zod';
import { writeApiKeysFile } from './lib/api-keys-file.ts';
import { startLocalStack } from './lib/local-stack.ts';
import { cpuSeconds, peakRssBytes } from './lib/proc-stats.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { repoRoot } from './lib/tools.ts';
import { createTrafficModel } from './lib/traffic-model.ts';
import { percentile } from './lib/traffic-sender.ts';

const args = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '0' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '12' },
    processors: { type: 'string', default: '1' },
    sync: { type: 'string', default: 'always' },
    'flush-ms': { type: 'string', default: '250' },
    json: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    telemetry: { type: 'string', default: 'on' },
    help: { type: 'boolean', default: false },
  },
});
if (args.values.help) {
  process.stdout.write('usage: npm run bench:pipeline -- [--duration 60] [--rate 0=max] [--batch 1000] [--concurrency 12] [--processors 1] [--sync always|off] [--flush-ms 250] [--json] [--profile: V8 CPU profiles of every service into .results/profiles] [--telemetry on|off: metrics (scraped every 15 s) and the OTel SDK, or neither]\n');
  process.exit(0);
}
const optsSchema = z.object({
  duration: z.coerce.number().int().min(5).max(3600),
  rate: z.coerce.number().int().min(0).max(10_000_000),
  batch: z.coerce.number().int().min(1).max(10_000),
  concurrency: z.coerce.number().int().min(1).max(256),
  processors: z.coerce.number().int().min(1).max(16),
  sync: z.enum(['always', 'off']),
  'flush-ms': z.coerce.number().int().min(10).max(60_000),
  telemetry: z.enum(['on', 'off']),
});
const parsed = optsSchema.safeParse(args.values);
if (!parsed.success) {
  process.stderr.write(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') + '\n');
  process.exit(2);
}
const opts = parsed.data;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = await makeTempDir('bench-pipeline');
const [key] = await writeApiKeysFile(join(dir, 'keys.json'), ['bench']);
log(`starting the stack in ${dir} (JetStream sync: ${opts.sync}, telemetry: ${opts.telemetry})`);
const stack = await startLocalStack({
  dataDir: dir,
  apiKeysFile: join(dir, 'keys.json'),
  processors: opts.processors,
  syncAlways: opts.sync === 'always',
  logLevel: 'warn',
  withQuery: false,
  nodeArgs: args.values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(repoRoot(), '.results', 'profiles')}`] : undefined,
  env: {
    RATE_LIMIT_PER_KEY_RPS: '1000000',
    BATCH_MAX_ROWS: '100000',
    MAX_EVENTS_PER_REQUEST: '10000',
    FLUSH_INTERVAL_MS: String(opts['flush-ms']),
    ...(opts.telemetry === 'off' ? { OTEL_SDK_DISABLED: 'true' } : {}),
  },
  metrics: opts.telemetry === 'on',
});
// With telemetry on, collect /metrics as often as a Prometheus would, so the measured cost includes scraping.
const scraper = setInterval(() => {
  for (const t of stack.metricsTargets) void fetch(`http://127.0.0.1:${t.port}/metrics`).then((r) => r.arrayBuffer(), () => undefined);
}, 15_000);
const ch = createClient({ url: stack.clickhouse.url });
const storedCount = async () => Number((await (await ch.query({ query: "SELECT count() FROM adstream.events WHERE tenant_id = 'bench'", format: 'TabSeparated' })).text()).trim());

// Pre-serialised request bodies keep the load generator's own CPU small: the
// ids and receive times are assigned by ingest, so a body can be sent again.
const model = createTrafficModel({ seed: 7, campaigns: 200 });
const bodies: Blob[] = [];
let bodyBytes = 0;
for (let i = 0; i < 64; i++) {
  const events = model.nextBatch(opts.batch).map(({ event_id: _id, ts: _ts, ...rest }) => rest);
  const body = Buffer.from(JSON.stringify({ events }));
  bodyBytes += body.length;
  bodies.push(new Blob([body]));
}
log(`request bodies: ${opts.batch} events, ~${Math.round(bodyBytes / bodies.length / opts.batch)} bytes/event`);

const headers = { authorization: `Bearer ${key!.key}`, 'content-type': 'application/json' };
const latencies: number[] = [];
const probeLatencies: number[] = [];
let accepted = 0;
let failures = 0;
const failureStatuses = new Map<number, number>();

async function send(body: Blob): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${stack.ingestUrl}/v1/events`, { method: 'POST', headers, body });
  const json = (await res.json()) as { accepted?: number };
  const ms = performance.now() - t0;
  if (res.status !== 202) {
    failures++;
    failureStatuses.set(res.status, (failureStatuses.get(res.status) ?? 0) + 1);
    return 0;
  }
  latencies.push(ms);
  return json.accepted ?? 0;
}

const baseline = new Map<string, number | undefined>();
const procs = {
  ingest: stack.ingest.pid,
  ...Object.fromEntries(stack.processors.map((p, i) => [`processor-${i}`, p.pid])),
  'nats-server': stack.nats.pid,
  'clickhouse-server': stack.clickhouse.pid,
};
for (const [name, pid] of Object.entries(procs)) baseline.set(name, await cpuSeconds(pid));

const startCount = await storedCount();
const benchCpuStart = process.cpuUsage();
const t0 = Date.now();
const end = t0 + opts.duration * 1000;
let next = 0;
let tokens = 0;
let lastRefill = t0;
// Open-loop pacing when --rate is given: a worker may send only with a full batch's worth of tokens.
async function worker(): Promise<void> {
  while (Date.now() < end) {
    if (opts.rate > 0) {
      const now = Date.now();
      tokens = Math.min(opts.rate, tokens + ((now - lastRefill) / 1000) * opts.rate);
      lastRefill = now;
      if (tokens < opts.batch) {
        await sleep(Math.max(1, ((opts.batch - tokens) / opts.rate) * 1000));
        continue;
      }
      tokens -= opts.batch;
    }
    const n = await send(bodies[next++ % bodies.length]!);
    accepted += n;
  }
}

// Freshness: single-event probes with their own campaign ids, each timed from
// its 202 until a poll of ClickHouse first sees it.
const probeAcked = new Map<string, number>();
let probing = true;
const prober = (async () => {
  for (let i = 0; probing; i++) {
    const campaign = `probe-${i}`;
    const res = await fetch(`${stack.ingestUrl}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ type: 'impression', campaign_id: campaign }) });
    await res.arrayBuffer();
    if (res.status === 202) {
      probeAcked.set(campaign, performance.now());
      accepted++;
    }
    await sleep(100);
  }
})();
const poller = (async () => {
  while (probing || probeAcked.size > 0) {
    if (probeAcked.size > 0) {
      // campaign_id leads the sort key after tenant_id, so this reads a few granules, not the table.
      const pending = [...probeAcked.keys()].map((c) => `'${c}'`).join(',');
      const r = await ch.query({ query: `SELECT DISTINCT campaign_id FROM adstream.events WHERE tenant_id = 'bench' AND campaign_id IN (${pending})`, format: 'TabSeparated' });
      const seenAt = performance.now();
      for (const c of (await r.text()).split('\n')) {
        const acked = probeAcked.get(c);
        if (acked !== undefined) {
          probeLatencies.push(seenAt - acked);
          probeAcked.delete(c);
        }
      }
    }
    await sleep(50);
    if (!probing && Date.now() > end + 30_000) break;
  }
})();

const progress = setInterval(() => log(`${Math.round((Date.now() - t0) / 1000)} s: accepted ${accepted}, failures ${failures}`), 5000);
await Promise.all(Array.from({ length: opts.concurrency }, () => worker()));
const windowSeconds = (Date.now() - t0) / 1000;
const benchCpu = process.cpuUsage(benchCpuStart);
const storedInWindow = (await storedCount()) - startCount;
probing = false;
await prober;
clearInterval(progress);
log('load stopped; waiting for the backlog to drain');
const drainStart = Date.now();
let stored = await storedCount();
while (stored - startCount < accepted && Date.now() - drainStart < 300_000) {
  await sleep(200);
  stored = await storedCount();
}
const drainSeconds = (Date.now() - drainStart) / 1000;
await poller;

const perProcess: Record<string, { peakRssMiB: number | null; cpuSeconds: number | null }> = {};
for (const [name, pid] of Object.entries(procs)) {
  const rss = await peakRssBytes(pid);
  const cpu = await cpuSeconds(pid);
  const before = baseline.get(name);
  perProcess[name] = {
    peakRssMiB: rss === undefined ? null : Math.round(rss / 1048576),
    cpuSeconds: cpu === undefined || before === undefined ? null : Math.round((cpu - before) * 10) / 10,
  };
}
// The load generator shares the machine; its CPU during the load window counts too.
perProcess['load generator (this)'] = {
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  cpuSeconds: Math.round(((benchCpu.user + benchCpu.system) / 1e6) * 10) / 10,
};
latencies.sort((a, b) => a - b);
probeLatencies.sort((a, b) => a - b);
const storedTotal = stored - startCount;
const result = {
  options: opts,
  windowSeconds: Math.round(windowSeconds * 10) / 10,
  acceptedEvents: accepted,
  storedEvents: storedTotal,
  lost: Math.max(0, accepted - storedTotal),
  extra: Math.max(0, storedTotal - accepted),
  failedRequests: failures,
  failedByStatus: Object.fromEntries(failureStatuses),
  ingestEventsPerSecond: Math.round(accepted / windowSeconds),
  storedEventsPerSecondInWindow: Math.round(storedInWindow / windowSeconds),
  drainSecondsAfterLoad: Math.round(drainSeconds * 10) / 10,
  ackLatencyMs: { requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? null },
  freshnessMs: { probes: probeLatencies.length, p50: percentile(probeLatencies, 50), p99: percentile(probeLatencies, 99), max: probeLatencies.at(-1) ?? null },
  perProcess,
};

clearInterval(scraper);
await ch.close();
await stack.stop();
await removeTempDir(dir);

const fmt = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '-' : Number.isInteger(n) ? String(n) : n.toFixed(1));
if (args.values.json) {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} else {
  const lines = [
    `pipeline benchmark: ${opts.rate > 0 ? `${opts.rate} events/s offered` : 'maximum rate'}, ${opts.duration} s, ${opts.batch} events/request, ${opts.concurrency} in flight, ${opts.processors} processor(s), flush ${opts['flush-ms']} ms, JetStream sync ${opts.sync}, telemetry ${opts.telemetry}`,
    `  ingest (acknowledged)     ${result.ingestEventsPerSecond} events/s  (${accepted} events, ${failures} failed requests)`,
    `  stored during the window  ${result.storedEventsPerSecondInWindow} events/s`,
    `  stored in the end         ${storedTotal} (lost ${result.lost}, extra ${result.extra}); backlog drained ${fmt(result.drainSecondsAfterLoad)} s after load stopped`,
    `  ack latency (ms)          p50 ${fmt(result.ackLatencyMs.p50)}  p99 ${fmt(result.ackLatencyMs.p99)}  max ${fmt(result.ackLatencyMs.max)}  (${latencies.length} requests)`,
    `  freshness (ms)            p50 ${fmt(result.freshnessMs.p50)}  p99 ${fmt(result.freshnessMs.p99)}  max ${fmt(result.freshnessMs.max)}  (${probeLatencies.length} probes)`,
    '  process             peak RSS MiB   CPU s',
    ...Object.entries(perProcess).map(([name, p]) => `  ${name.padEnd(20)}${fmt(p.peakRssMiB).padStart(12)}${fmt(p.cpuSeconds).padStart(8)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
const resultsDir = join(repoRoot(), '.results');
await mkdir(resultsDir, { recursive: true });
await writeFile(join(resultsDir, `bench-pipeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
