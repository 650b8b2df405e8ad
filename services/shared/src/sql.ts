/**
 * SQL literals for ClickHouse. Query parameters arrived in ClickHouse 19.x and
 * the project must also run on 18.16, so values are embedded as literals;
 * every value that reaches these helpers has already been validated.
 */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function sqlStringList(values: Iterable<string>): string {
  const parts: string[] = [];
  for (const v of values) parts.push(sqlString(v));
  return `(${parts.join(',')})`;
}

export function sqlIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a safe identifier: ${name}`);
  return name;
}

/** A DateTime literal from epoch milliseconds (second precision, UTC). */
export function sqlDateTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error('not a time');
  return `toDateTime(${Math.floor(ms / 1000)})`;
}
