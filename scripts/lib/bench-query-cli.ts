import { parseArgs } from 'node:util';
import { z } from 'zod';

export const BENCH_QUERY_USAGE = `usage: npm run bench:query -- [options]
  --events N        events to load (default 50000000)
  --reuse           keep the data set of an earlier run with the same --events/--seed/--days/--campaigns
  --chunk N         events per INSERT … SELECT (default 2000000)
  --parallel N      inserts running at once (default 2)
  --days N          days of data, ending at the current hour (default 35)
  --campaigns N     campaigns per tenant (default 300)
  --seed N          data set seed (default 1)
  --concurrency N   requests in flight per scenario (default 8)
  --duration S      seconds of load per scenario (default 20)
  --only REGEX      run only the scenarios whose name matches
  --alone N         queries per scenario re-run alone on ClickHouse for its own timing (default 10)
  --settle S        seconds to wait for ClickHouse merges before measuring (default 120)
  --timeout MS      a request unanswered after this counts as an error (default 30000)
  --data-dir DIR    where the ClickHouse data set lives (default .data/bench-query)
`;

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`).default(fallback);

const schema = z.object({
  events: int(10_000, 2_000_000_000, 50_000_000),
  reuse: z.boolean().default(false),
  chunk: int(10_000, 50_000_000, 2_000_000),
  parallel: int(1, 16, 2),
  // 30-day windows end up to two days before the data's end.
  days: int(32, 400, 35),
  campaigns: int(1, 100_000, 300),
  seed: int(1, 1_000_000, 1),
  concurrency: int(1, 512, 8),
  duration: int(1, 3600, 20),
  only: z.string().min(1).optional().refine((v) => v === undefined || isRegExp(v), 'must be a valid regular expression'),
  alone: int(0, 1000, 10),
  settle: int(0, 3600, 120),
  timeout: int(100, 600_000, 30_000),
  'data-dir': z.string().min(1).optional(),
});

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export type BenchQueryOptions = z.output<typeof schema>;

export type ParsedArgs = { kind: 'help' } | { kind: 'options'; options: BenchQueryOptions } | { kind: 'error'; message: string };

export function parseBenchQueryArgs(argv: readonly string[]): ParsedArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        events: { type: 'string' },
        reuse: { type: 'boolean' },
        chunk: { type: 'string' },
        parallel: { type: 'string' },
        days: { type: 'string' },
        campaigns: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        only: { type: 'string' },
        alone: { type: 'string' },
        settle: { type: 'string' },
        timeout: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { kind: 'help' };
  const { help: _help, ...rest } = values;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) return { kind: 'error', message: parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') };
  return { kind: 'options', options: parsed.data };
}
