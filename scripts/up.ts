// npm run up -- [--rate 2000] [--no-traffic] [--processors 1] [--data-dir .data/local] [--fresh] [--with-prometheus]
//
// The whole local stack (NATS, ClickHouse, processor(s), ingest, query) as real
// processes, realistic traffic for tenant "demo", URLs and keys on the screen;
// every service serves /metrics, and --with-prometheus adds a Prometheus scraping them.
// SIGINT/SIGTERM stop the traffic, then every process (a second signal forces).
// A service that dies on its own stops everything. Exit codes: 0 stopped by a
// signal, 1 failure, 2 bad flags or environment. Options: scripts/lib/up-cli.ts.

import { join } from 'node:path';
import { logTail } from './lib/child-process.ts';
import { startLocalStack, type LocalStack } from './lib/local-stack.ts';
import { portState } from './lib/port-check.ts';
import { ADSTREAM_RULES_FILE, startPrometheus, type PrometheusHandle } from './lib/prometheus-server.ts';
import { createTrafficModel } from './lib/traffic-model.ts';
import { createTrafficSender } from './lib/traffic-sender.ts';
import { bannerText, snapshot, statusLine } from './lib/up-banner.ts';
import { parseUpCli, USAGE } from './lib/up-cli.ts';
import { claimDataDir } from './lib/up-data-dir.ts';
import { devKeys, givenKeys } from './lib/up-keys.ts';

const say = (msg: string) => process.stdout.write(`up: ${msg}\n`);
function fail(msg: string, code = 1): never {
  process.stderr.write(msg.replace(/^/gm, 'up: ') + '\n');
  process.exit(code);
}

const cli = parseUpCli(process.argv.slice(2), process.env, process.env.INIT_CWD ?? process.cwd());
if (cli.kind === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (cli.kind === 'error') fail(`${cli.message}\nRun with --help for usage.`, 2);
const cfg = cli.config;

// Ctrl-C in a terminal reaches this process twice (from the terminal and
// forwarded by npm) within milliseconds: only a signal a second later forces.
let stopRequestedAt = 0;
let stop: (code: number) => Promise<void> = async () => {};
const onSignal = (sig: NodeJS.Signals) => {
  if (stopRequestedAt === 0) {
    stopRequestedAt = Date.now();
    say(`${sig}: stopping (${sig} again to force)`);
    void stop(0);
  } else if (Date.now() - stopRequestedAt > 1000) {
    // child-process.ts SIGKILLs every child still running on exit.
    process.stderr.write(`up: ${sig} again, exiting now\n`);
    process.exit(1);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const ports = [['INGEST_PORT', cfg.ingestPort], ['QUERY_PORT', cfg.queryPort], ...(cfg.prometheusPort === undefined ? [] : [['PROMETHEUS_PORT', cfg.prometheusPort] as const])] as const;
for (const [name, port] of ports) {
  const state = await portState(port);
  if (state !== 'free') fail(`port ${port} (${name}) is ${state}; stop what uses it or set ${name} to another port`);
}
const releaseDataDir = await claimDataDir(cfg.dataDir, cfg.fresh).catch((err: Error) => fail(err.message));
const keys = await (cfg.apiKeysFile ? givenKeys(cfg.apiKeysFile) : devKeys(join(cfg.dataDir, 'dev-keys.json'))).catch((err: Error) =>
  fail(err.message, cfg.apiKeysFile ? 2 : 1),
);
if (cfg.traffic && !keys.traffic) fail(`API_KEYS_FILE ${keys.file} has no key with the ingest scope to send traffic with (or pass --no-traffic)`, 2);

// Fixed seed: the same campaign ids every run, so printed examples keep working.
const model = createTrafficModel({ seed: 1, campaigns: 50, lateFraction: 0.01, duplicateFraction: 0.01, clock: Date.now });
const campaign = [...model.campaigns].sort((a, b) => b.weight - a.weight)[0]!;

if (stopRequestedAt > 0) process.exit(0);
say(`starting NATS, ClickHouse, ${cfg.processors} processor(s), ingest and query; logs in ${join(cfg.dataDir, 'logs')}`);
let stack: LocalStack;
try {
  stack = await startLocalStack({
    dataDir: cfg.dataDir,
    apiKeysFile: keys.file,
    ingestPort: cfg.ingestPort,
    queryPort: cfg.queryPort,
    processors: cfg.processors,
    logLevel: process.env.LOG_LEVEL || 'info',
    metrics: true,
  });
} catch (err) {
  // A Ctrl-C while starting also reaches the children, which then exit "before ready".
  if (stopRequestedAt > 0) process.exit(0);
  fail(`the stack did not start: ${(err as Error).message}`);
}
let prometheus: PrometheusHandle | undefined;
if (cfg.prometheusPort !== undefined) {
  try {
    prometheus = await startPrometheus({
      dataDir: join(cfg.dataDir, 'prometheus'),
      port: cfg.prometheusPort,
      targets: stack.metricsTargets,
      ruleFiles: [ADSTREAM_RULES_FILE],
      intervalSeconds: 5,
    });
  } catch (err) {
    await stack.stop();
    if (stopRequestedAt > 0) process.exit(0);
    fail(`Prometheus did not start: ${(err as Error).message}`);
  }
}
const services = [...stack.processors, stack.ingest, ...(stack.query ? [stack.query] : [])];

const traffic = new AbortController();
const sender = cfg.traffic
  ? createTrafficSender({
      url: stack.ingestUrl,
      key: keys.traffic!.key,
      source: model,
      rate: cfg.rate,
      durationMs: 0,
      batchSize: Math.max(1, Math.min(500, Math.round(cfg.rate / 10))),
      concurrency: 8,
      signal: traffic.signal,
    })
  : undefined;
const trafficDone = sender?.run().catch((err: Error) => process.stderr.write(`up: traffic failed: ${err.message}\n`));

let last = sender && snapshot(sender.stats, Date.now());
const status = setInterval(() => {
  if (!sender || !last) return;
  const now = snapshot(sender.stats, Date.now());
  say(statusLine(last, now));
  const sample = sender.stats.errorSamples.at(-1);
  if (now.errors > last.errors && sample) say(`  last error: HTTP ${sample.status} ${sample.body.slice(0, 200)}`);
  last = now;
}, 10_000);

let stopping: Promise<void> | undefined;
let crashed = false;
// A process that exits while nobody asked it to takes the whole stack down,
// after a moment's grace: a terminal's Ctrl-C reaches the children as well.
const onUnexpectedExit = (name: string, logFile: string, how: string) => {
  if (stopping || crashed) return;
  crashed = true;
  setTimeout(() => {
    if (stopping) return;
    process.stderr.write(`up: ${name} ${how} unexpectedly; its log ${logFile} ends with:\n${logTail(logFile, 20)}\nup: stopping everything\n`);
    void stop(1);
  }, 500);
};
for (const s of services) {
  void s.exited.then((code) => onUnexpectedExit(s.name, s.logFile, code === null ? 'was killed' : `exited with code ${code}`));
}
const serverWatch = setInterval(() => {
  for (const [name, server] of [['nats-server', stack.nats], ['clickhouse-server', stack.clickhouse], ['prometheus', prometheus]] as const) {
    if (server !== undefined && server.pid === undefined) onUnexpectedExit(name, server.logFile, 'exited');
  }
}, 1000);

stop = (code) =>
  (stopping ??= (async () => {
    clearInterval(status);
    clearInterval(serverWatch);
    traffic.abort();
    await trafficDone;
    await prometheus?.stop();
    await stack.stop();
    await releaseDataDir();
    say('stopped');
    process.exit(code);
  })());

if (stopRequestedAt > 0) void stop(0);
else process.stdout.write(bannerText({ stack, keys, dataDir: cfg.dataDir, rate: sender ? cfg.rate : undefined, campaignId: campaign.campaign_id, prometheusUrl: prometheus?.url }));
