// npm run generate -- --rate 5000 --duration 60 [options]
//
// Realistic ad traffic (scripts/lib/traffic-model.ts) sent to the ingest API at a fixed
// rate (scripts/lib/traffic-sender.ts). Progress every second on stderr; a summary on
// stdout at the end (JSON with --json). SIGINT/SIGTERM stop cleanly (a second one forces).
// Exit codes: 0 done, 1 some batches never got a 2xx, 2 bad arguments.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createTrafficModel, type TrafficStats } from './lib/traffic-model.ts';
import { createTrafficSender, summarizeLatency, type SendReport, type SendStats } from './lib/traffic-sender.ts';

export const USAGE = `Usage: npm run generate -- [options]

Sends realistic ad events (bid → win → impression → click → conversion) to
POST <url>/v1/events at a fixed rate.

Options:
  --rate <n>          target events per second (default 1000)
  --duration <s>      seconds to run; 0 = until SIGINT/SIGTERM (default 60)
  --url <url>         ingest base URL (default http://127.0.0.1:8080)
  --key <key>         API key with the ingest scope (default: env ADSTREAM_API_KEY)
  --batch <n>         events per request (default 500)
  --concurrency <n>   requests in flight at most (default 8)
  --late <f>          share of events with ts minutes to hours in the past, 0..1 (default 0)
  --duplicates <f>    share of events sent twice with the same event_id, 0..1 (default 0)
  --seed <n>          random seed, 0..4294967295 (default 1)
  --campaigns <n>     number of campaigns in the model (default 50)
  --currency <code>   ISO 4217 currency of money fields (default USD)
  --ndjson            send application/x-ndjson instead of {"events":[...]}
  --gzip              gzip request bodies (content-encoding: gzip)
  --json              print the final summary as JSON on stdout
  -h, --help          show this help

Example:
  ADSTREAM_API_KEY=dev-ingest-key npm run generate -- --rate 5000 --duration 60 --duplicates 0.01
`;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A flag holding a decimal number, then checked by `check`. */
const num = (what: string, check: z.ZodNumber) =>
  z.string().regex(DECIMAL, { error: `expected ${what}` }).transform(Number).pipe(check);
const int = z.number().int({ error: 'must be an integer' });
const fraction = z.number().min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' });

const CliSchema = z.object({
  rate: num('a number of events per second', z.number().positive({ error: 'must be > 0' }).max(10_000_000, { error: 'must be ≤ 10000000' })),
  duration: num('a number of seconds', z.number().min(0, { error: 'must be ≥ 0 (0 = until stopped)' }).max(31_536_000, { error: 'must be ≤ 31536000' })),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:8080' }),
  key: z.string({ error: 'is required (or set ADSTREAM_API_KEY)' }).min(1, { error: 'is required (or set ADSTREAM_API_KEY)' }),
  batch: num('an integer', int.min(1, { error: 'must be ≥ 1' }).max(100_000, { error: 'must be ≤ 100000' })),
  concurrency: num('an integer', int.min(1, { error: 'must be ≥ 1' }).max(1024, { error: 'must be ≤ 1024' })),
  late: num('a fraction', fraction),
  duplicates: num('a fraction', fraction),
  seed: num('an integer', int.min(0, { error: 'must be ≥ 0' }).max(0xffffffff, { error: 'must be ≤ 4294967295' })),
  campaigns: num('an integer', int.min(1, { error: 'must be ≥ 1' }).max(100_000, { error: 'must be ≤ 100000' })),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as USD' }),
  ndjson: z.boolean(),
  gzip: z.boolean(),
  json: z.boolean(),
});

export type CliConfig = z.infer<typeof CliSchema>;

export type ParseResult = { kind: 'help' } | { kind: 'ok'; config: CliConfig } | { kind: 'error'; message: string };

/** Parses and validates the command line; never exits. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParseResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string', default: '1000' },
        duration: { type: 'string', default: '60' },
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        key: { type: 'string' },
        batch: { type: 'string', default: '500' },
        concurrency: { type: 'string', default: '8' },
        late: { type: 'string', default: '0' },
        duplicates: { type: 'string', default: '0' },
        seed: { type: 'string', default: '1' },
        campaigns: { type: 'string', default: '50' },
        currency: { type: 'string', default: 'USD' },
        ndjson: { type: 'boolean', default: false },
        gzip: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { kind: 'help' };

  const { help: _help, ...rest } = values;
  const raw: Record<string, string | boolean | undefined> = { ...rest, key: values.key ?? env.ADSTREAM_API_KEY };

  const result = CliSchema.safeParse(raw);
  if (result.success) return { kind: 'ok', config: result.data };
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const given = raw[name];
    const got = typeof given === 'string' && name !== 'key' ? ` (got ${JSON.stringify(given)})` : '';
    return `--${name}: ${issue.message}${got}`;
  });
  return { kind: 'error', message: lines.join('\n') };
}

// ---------------------------------------------------------------------------

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function errorCount(s: SendStats): number {
  return Object.values(s.httpErrors).reduce((a, b) => a + b, 0) + s.networkErrors;
}

function humanSummary(cfg: CliConfig, report: SendReport, truth: TrafficStats): string {
  const s = report.stats;
  const l = report.latency;
  const http = Object.entries(s.httpErrors).map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
  const d = truth.distinct;
  const lines = [
    `adstream generate: ${report.reason} after ${(report.elapsedMs / 1000).toFixed(2)} s`,
    `  target     ${fmtInt(cfg.rate)} ev/s ${cfg.duration === 0 ? 'until stopped' : `for ${cfg.duration} s`} → ${cfg.url}/v1/events (${cfg.ndjson ? 'ndjson' : 'json'}${cfg.gzip ? '+gzip' : ''}, batch ${cfg.batch}, concurrency ${cfg.concurrency})`,
    `  sent       ${fmtInt(s.sent)} events in ${fmtInt(s.batches)} batches (${fmtInt(report.sentPerSecond)} ev/s), ${fmtInt(s.requests)} requests, ${fmtInt(s.retries)} retries, ${(s.bytesSent / 1e6).toFixed(1)} MB`,
    `  result     accepted ${fmtInt(s.accepted)}  rejected ${fmtInt(s.rejected)}  failed ${fmtInt(s.failed)} (${fmtInt(s.failedBatches)} batches)`,
    `  errors     http ${http}  network ${fmtInt(s.networkErrors)}${s.lastNetworkError ? ` (last: ${s.lastNetworkError})` : ''}`,
    `  latency    p50 ${l.p50} ms  p90 ${l.p90} ms  p99 ${l.p99} ms  max ${l.max} ms  (${fmtInt(l.count)} requests)`,
    `  generated  bid ${fmtInt(d.bid)}  win ${fmtInt(d.win)}  impression ${fmtInt(d.impression)}  click ${fmtInt(d.click)}  conversion ${fmtInt(d.conversion)}`,
    `             distinct ${fmtInt(truth.distinctTotal)}  duplicates ${fmtInt(truth.duplicates)}  late ${fmtInt(truth.late)}  cost ${(truth.costMicros / 1e6).toFixed(2)} ${cfg.currency}  revenue ${(truth.revenueMicros / 1e6).toFixed(2)} ${cfg.currency}`,
  ];
  for (const e of s.errorSamples.slice(0, 3)) lines.push(`  sample     HTTP ${e.status}: ${e.body.slice(0, 300)}`);
  return lines.join('\n');
}

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCli(argv, env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`generate: ${parsed.message}\nRun with --help for usage.\n`);
    return 2;
  }
  const cfg = parsed.config;

  const model = createTrafficModel({
    seed: cfg.seed,
    campaigns: cfg.campaigns,
    lateFraction: cfg.late,
    duplicateFraction: cfg.duplicates,
    currency: cfg.currency,
    clock: Date.now,
  });
  const controller = new AbortController();
  const sender = createTrafficSender({
    url: cfg.url,
    key: cfg.key,
    source: model,
    rate: cfg.rate,
    durationMs: cfg.duration * 1000,
    batchSize: cfg.batch,
    concurrency: cfg.concurrency,
    format: cfg.ndjson ? 'ndjson' : 'json',
    gzip: cfg.gzip,
    signal: controller.signal,
  });

  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`generate: ${sig} again, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`generate: ${sig}, stopping (requests in flight finish; ${sig} again to force)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  process.stderr.write(
    `generate: ${cfg.rate} ev/s ${cfg.duration === 0 ? 'until stopped' : `for ${cfg.duration} s`} → ${cfg.url}/v1/events\n`,
  );
  const stats = sender.stats;
  let last = { sent: 0, accepted: 0, rejected: 0, errors: 0, samples: 0 };
  let tick = 0;
  const progress = setInterval(() => {
    tick++;
    const errors = errorCount(stats);
    const fresh = stats.latencyMs.length > last.samples ? stats.latencyMs.slice(last.samples) : [];
    const lat = summarizeLatency(fresh);
    process.stderr.write(
      `[${String(tick).padStart(4)}s] sent ${fmtInt(stats.sent - last.sent)} ev/s` +
        `  accepted ${fmtInt(stats.accepted - last.accepted)}/s (${fmtInt(stats.accepted)})` +
        `  rejected ${fmtInt(stats.rejected - last.rejected)}/s (${fmtInt(stats.rejected)})` +
        `  errors ${fmtInt(errors - last.errors)}/s (${fmtInt(errors)})` +
        `  in-flight ${stats.inFlight}` +
        (lat.count > 0 ? `  p50 ${lat.p50} ms p99 ${lat.p99} ms` : '') +
        '\n',
    );
    last = { sent: stats.sent, accepted: stats.accepted, rejected: stats.rejected, errors, samples: stats.latencyMs.length };
  }, 1000);

  let report: SendReport;
  try {
    report = await sender.run();
  } finally {
    clearInterval(progress);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const truth = model.stats();
  const code = report.stats.failed > 0 ? 1 : 0;

  if (cfg.json) {
    const { latencyMs: _samples, ...counters } = report.stats;
    const { key: _key, ...config } = cfg;
    const out = {
      ok: code === 0,
      reason: report.reason,
      config,
      elapsedMs: Math.round(report.elapsedMs),
      sentPerSecond: Math.round(report.sentPerSecond),
      sender: counters,
      latencyMs: report.latency,
      generator: truth,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(humanSummary(cfg, report, truth) + '\n');
  }
  return code;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), process.env);
  // Idle keep-alive sockets must not hold the process open.
  process.exitCode = code;
  setTimeout(() => process.exit(code), 100).unref();
}
