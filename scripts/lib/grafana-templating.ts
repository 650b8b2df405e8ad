// What Grafana does to a query before it reaches the data source, for the
// queries of the repository's dashboards: template variables, the built-in
// interval/range variables, and the ClickHouse plugin's time macros (as
// grafana-clickhouse-datasource expands them). Lets tests run dashboard
// queries against real Prometheus and ClickHouse servers.

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const sqlString = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Replaces `$name`, `${name}` and `${name:format}` (formats: sqlstring, raw)
 * with `values[name]`. Throws on a variable it has no value for, so a typo
 * in a dashboard fails the test instead of reaching the server as text.
 */
export function interpolateVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (match, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (name.startsWith("__")) return match;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for dashboard variable $${name} in: ${text}`);
    if (format === undefined || format === "raw") return value;
    if (format === "sqlstring") return sqlString(value);
    throw new Error(`variable format :${format} is not supported here (in: ${text})`);
  });
}

/** Grafana's built-in variables for PromQL, at fixed values suited to a test's short, densely scraped history. */
export function expandPromBuiltins(expr: string, b: { rateInterval: string; interval: string; range: string }): string {
  return expr.replaceAll("$__rate_interval", b.rateInterval).replaceAll("$__interval", b.interval).replaceAll("$__range", b.range);
}

const dateTime = (ms: number) => `toDateTime(${Math.floor(ms / 1000)})`;
const date = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

/** The ClickHouse plugin's macros ($__timeFilter(col), $__fromTime, …) as the plugin's backend expands them. */
export function expandClickHouseMacros(sql: string, range: TimeRange, intervalSeconds = 60): string {
  const out = sql
    .replace(/\$__timeFilter\(\s*([^)]+?)\s*\)/g, (_, col: string) => `${col} >= ${dateTime(range.fromMs)} AND ${col} <= ${dateTime(range.toMs)}`)
    .replace(/\$__dateFilter\(\s*([^)]+?)\s*\)/g, (_, col: string) => `${col} >= ${date(range.fromMs)} AND ${col} <= ${date(range.toMs)}`)
    .replace(/\$__timeInterval\(\s*([^)]+?)\s*\)/g, (_, col: string) => `toStartOfInterval(toDateTime(${col}), INTERVAL ${Math.max(1, Math.floor(intervalSeconds))} second)`)
    .replaceAll("$__fromTime", dateTime(range.fromMs))
    .replaceAll("$__toTime", dateTime(range.toMs))
    .replaceAll("$__interval_s", String(Math.max(1, Math.floor(intervalSeconds))));
  const left = /\$__\w+/.exec(out);
  if (left) throw new Error(`ClickHouse macro ${left[0]} is not supported here (in: ${sql})`);
  return out;
}
