// What `npm run up` prints: the banner once the stack is ready, and a status
// line for the traffic every few seconds. Pure text, no I/O.

import { join } from 'node:path';
import type { ApiKeyEntry } from '@adstream/shared/api-keys';
import type { LocalStack } from './local-stack.ts';
import type { SendStats } from './traffic-sender.ts';
import type { UpKeys } from './up-keys.ts';

export interface BannerInput {
  stack: LocalStack;
  keys: UpKeys;
  dataDir: string;
  /** Events per second, or undefined with --no-traffic. */
  rate: number | undefined;
  campaignId: string;
  /** With --with-prometheus. */
  prometheusUrl?: string;
}

const scopesOf = (e: ApiKeyEntry) => e.scopes.join('+');

function keyLines(keys: UpKeys): string[] {
  const width = Math.max(...keys.entries.map((e) => e.tenant.length));
  if (keys.dev) {
    return [
      `API keys (dev, ${keys.created ? 'new' : 'kept'} in ${keys.file}):`,
      ...keys.entries.map((e) => `  ${e.tenant.padEnd(width)}  ${e.key}  (${scopesOf(e)})`),
    ];
  }
  return [
    `API keys: from API_KEYS_FILE ${keys.file} (keys not shown), tenants:`,
    ...keys.entries.map((e) => `  ${e.tenant.padEnd(width)}  (${scopesOf(e)})`),
  ];
}

export function bannerText(b: BannerInput): string {
  const { stack, keys } = b;
  const tenant = keys.traffic?.tenant ?? keys.entries[0]!.tenant;
  // Secrets of a given keys file stay out of the terminal: the examples use a variable.
  const key = keys.dev ? keys.traffic!.key : '$ADSTREAM_KEY';
  const line = '─'.repeat(72);
  return [
    line,
    `adstream is up (data in ${b.dataDir})`,
    '',
    `  ingest      ${stack.ingestUrl}    POST /v1/events`,
    `  query       ${stack.queryUrl}    GET  /v1/campaigns/<id>/insights`,
    `  NATS        ${stack.nats.url}   monitoring ${stack.nats.monitorUrl}`,
    `  ClickHouse  ${stack.clickhouse.url}   database ${stack.database}`,
    ...(b.prometheusUrl === undefined
      ? []
      : [`  Prometheus  ${b.prometheusUrl}   alerts ${b.prometheusUrl}/alerts   try: sum(rate(adstream_processor_events_stored_total[1m]))`]),
    `  /metrics    ${stack.metricsTargets.map((t) => `${t.name} :${t.port}`).join(', ')}`,
    '',
    ...keyLines(keys),
    '',
    b.rate === undefined
      ? 'Traffic: off (--no-traffic)'
      : `Traffic: ${b.rate} events/s for tenant ${tenant} (1 % late, 1 % duplicates)`,
    '',
    'Try:',
    ...(keys.dev ? [] : [`  export ADSTREAM_KEY=...   # a key of tenant ${tenant} from ${keys.file}`]),
    `  curl -i -X POST ${stack.ingestUrl}/v1/events -H 'authorization: Bearer ${key}' \\`,
    `    -H 'content-type: application/json' -d '{"type":"impression","campaign_id":"${b.campaignId}"}'`,
    `  curl -s '${stack.queryUrl}/v1/campaigns/${b.campaignId}/insights?from=-1h' -H 'authorization: Bearer ${key}'`,
    '',
    `Logs: ${join(b.dataDir, 'logs')}/*.log`,
    `      ${stack.nats.logFile}`,
    `      ${stack.clickhouse.logFile}`,
    '',
    'Ctrl-C to stop.',
    line,
    '',
  ].join('\n');
}

export interface StatusSnapshot {
  at: number;
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
}

/** Non-2xx answers and failed connections so far. */
export function snapshot(s: SendStats, at: number): StatusSnapshot {
  const errors = Object.values(s.httpErrors).reduce((a, b) => a + b, 0) + s.networkErrors;
  return { at, sent: s.sent, accepted: s.accepted, rejected: s.rejected, errors };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function statusLine(prev: StatusSnapshot, now: StatusSnapshot): string {
  const secs = Math.max(0.001, (now.at - prev.at) / 1000);
  const time = new Date(now.at).toISOString().slice(11, 19);
  return (
    `[${time}] traffic: sent ${fmt((now.sent - prev.sent) / secs)} ev/s, accepted ${fmt((now.accepted - prev.accepted) / secs)} ev/s, ` +
    `rejected ${fmt(now.rejected - prev.rejected)}, errors ${fmt(now.errors - prev.errors)} ` +
    `(total: sent ${fmt(now.sent)}, accepted ${fmt(now.accepted)}, errors ${fmt(now.errors)})`
  );
}
