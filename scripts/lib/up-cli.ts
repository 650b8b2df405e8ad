// Command line and environment of `npm run up` (scripts/up.ts), parsed and
// validated without side effects so every mistake is reported by name.

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { repoRoot } from './tools.ts';

export const USAGE = `Usage: npm run up -- [options]

Starts NATS JetStream, ClickHouse, ingest, processor(s) and query on this
machine, sends realistic traffic for the tenant "demo", and prints URLs and
API keys. Ctrl-C (or SIGTERM) stops everything it started.

Options:
  --rate <n>          traffic in events per second (default 2000)
  --no-traffic        start the stack without sending traffic
  --processors <n>    processor replicas, 1..16 (default 1)
  --data-dir <path>   where data, logs and dev keys live; kept between runs
                      (default .data/local in the repository)
  --fresh             delete the data dir first (a clean start)
  --with-prometheus   also start Prometheus scraping every service's /metrics,
                      with the alert rules of observability/prometheus loaded
  -h, --help          show this help

Environment:
  INGEST_PORT         ingest HTTP port (default 8080)
  QUERY_PORT          query HTTP port (default 8081)
  PROMETHEUS_PORT     Prometheus port with --with-prometheus (default 9090)
  API_KEYS_FILE       use these API keys (JSON list of {key, tenant, scopes});
                      without it, dev keys for tenants demo and acme are kept
                      in <data-dir>/dev-keys.json and printed
`;

export interface UpConfig {
  rate: number;
  traffic: boolean;
  processors: number;
  dataDir: string;
  fresh: boolean;
  ingestPort: number;
  queryPort: number;
  /** Port of Prometheus; undefined without --with-prometheus. */
  prometheusPort: number | undefined;
  /** Absolute path, when given in the environment. */
  apiKeysFile: string | undefined;
}

export type UpCliResult = { kind: 'help' } | { kind: 'ok'; config: UpConfig } | { kind: 'error'; message: string };

const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

const flagsSchema = z.object({
  rate: z
    .string()
    .regex(DECIMAL, { error: 'expected a number of events per second' })
    .transform(Number)
    .pipe(z.number().positive({ error: 'must be > 0 (use --no-traffic for none)' }).max(1_000_000, { error: 'must be ≤ 1000000' })),
  processors: z
    .string()
    .regex(/^\d+$/, { error: 'expected an integer' })
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be ≥ 1' }).max(16, { error: 'must be ≤ 16' })),
  'data-dir': z.string().min(1, { error: 'must not be empty' }).optional(),
  fresh: z.boolean(),
  'no-traffic': z.boolean(),
  'with-prometheus': z.boolean(),
});

const port = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? String(fallback) : v))
    .pipe(z.string().regex(/^\d{1,5}$/, { error: 'expected a TCP port number' }))
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be a port in 1..65535' }).max(65_535, { error: 'must be a port in 1..65535' }));

const envSchema = z.object({
  INGEST_PORT: port(8080),
  QUERY_PORT: port(8081),
  PROMETHEUS_PORT: port(9090),
  API_KEYS_FILE: z.string().optional(),
});

function describeIssues(error: z.ZodError, prefix: string, given: Record<string, unknown>): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const value = given[name];
    return `${prefix}${name}: ${issue.message}${typeof value === 'string' ? ` (got ${JSON.stringify(value)})` : ''}`;
  });
}

/**
 * Parses argv and the environment; relative paths resolve against `cwd`
 * (npm runs scripts from the repository root, so pass INIT_CWD when set).
 */
export function parseUpCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string): UpCliResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string', default: '2000' },
        'no-traffic': { type: 'boolean', default: false },
        processors: { type: 'string', default: '1' },
        'data-dir': { type: 'string' },
        fresh: { type: 'boolean', default: false },
        'with-prometheus': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  if (values.help === true) return { kind: 'help' };

  const flags = flagsSchema.safeParse(values);
  const envRaw = { INGEST_PORT: env.INGEST_PORT, QUERY_PORT: env.QUERY_PORT, PROMETHEUS_PORT: env.PROMETHEUS_PORT, API_KEYS_FILE: env.API_KEYS_FILE };
  const envParsed = envSchema.safeParse(envRaw);
  const problems = [
    ...(flags.success ? [] : describeIssues(flags.error, '--', values)),
    ...(envParsed.success ? [] : describeIssues(envParsed.error, '', envRaw)),
  ];
  if (flags.success && envParsed.success) {
    const named = [
      ['INGEST_PORT', envParsed.data.INGEST_PORT],
      ['QUERY_PORT', envParsed.data.QUERY_PORT],
      ...(flags.data['with-prometheus'] ? [['PROMETHEUS_PORT', envParsed.data.PROMETHEUS_PORT] as const] : []),
    ] as const;
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        if (named[i]![1] === named[j]![1]) problems.push(`${named[i]![0]} and ${named[j]![0]}: must differ (both ${named[i]![1]})`);
      }
    }
  }
  if (!flags.success || !envParsed.success || problems.length > 0) return { kind: 'error', message: problems.join('\n') };

  const f = flags.data;
  const e = envParsed.data;
  return {
    kind: 'ok',
    config: {
      rate: f.rate,
      traffic: !f['no-traffic'],
      processors: f.processors,
      dataDir: f['data-dir'] === undefined ? join(repoRoot(), '.data', 'local') : resolve(cwd, f['data-dir']),
      fresh: f.fresh,
      ingestPort: e.INGEST_PORT,
      queryPort: e.QUERY_PORT,
      prometheusPort: f['with-prometheus'] ? e.PROMETHEUS_PORT : undefined,
      apiKeysFile: e.API_KEYS_FILE ? resolve(cwd, e.API_KEYS_FILE) : undefined,
    },
  };
}
