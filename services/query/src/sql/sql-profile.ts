/**
 * The limits tenant SQL runs under live in the ClickHouse profile of the SQL
 * user (scripts/lib/clickhouse-users.ts; in a cluster, the server's users
 * config): with `readonly = 1` no query can change a setting, so none can
 * lift them. The service sends no settings of its own. Instead it reads what
 * the server will apply to that user and refuses to serve SQL unless every
 * limit is set and within these bounds.
 */

interface Bound {
  /** The largest value the service accepts; 0 ("no limit") is never accepted. */
  max: number;
  unit: string;
}

const BOUNDS = {
  max_execution_time: { max: 300, unit: 'seconds' },
  max_rows_to_read: { max: 100_000_000_000, unit: 'rows' },
  max_bytes_to_read: { max: 10_000_000_000_000, unit: 'bytes' },
  max_result_rows: { max: 100_000, unit: 'rows' },
  max_memory_usage: { max: 32_000_000_000, unit: 'bytes' },
} as const satisfies Record<string, Bound>;

const EXACT = {
  readonly: '1',
  // Without "break" a large result fails instead of arriving truncated.
  result_overflow_mode: 'break',
  // 64-bit integers as JSON strings on every version (18.16's default, not current releases'), so none loses precision on the way.
  output_format_json_quote_64bit_integers: '1',
} as const;

export const PROFILE_SETTINGS: readonly string[] = [...Object.keys(BOUNDS), ...Object.keys(EXACT)];

export interface SqlLimits {
  maxExecutionSeconds: number;
  maxResultRows: number;
}

export type ProfileCheck = { ok: true; limits: SqlLimits } | { ok: false; problems: string[] };

/** `settings`: name → value as system.settings shows them for the SQL user. */
export function checkSqlProfile(settings: ReadonlyMap<string, string>): ProfileCheck {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(EXACT)) {
    const have = settings.get(name);
    if (have !== want) problems.push(`${name} must be ${want} (is ${have ?? 'unknown to the server'})`);
  }
  const values = new Map<string, number>();
  for (const [name, bound] of Object.entries(BOUNDS) as [string, Bound][]) {
    const value = Number(settings.get(name));
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be set (is ${settings.get(name) ?? 'unknown to the server'})`);
    else if (value > bound.max) problems.push(`${name} must be at most ${bound.max} ${bound.unit} (is ${value})`);
    else values.set(name, value);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, limits: { maxExecutionSeconds: values.get('max_execution_time')!, maxResultRows: values.get('max_result_rows')! } };
}
