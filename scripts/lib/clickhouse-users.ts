// users.xml for the dev/test ClickHouse. Kept apart from the server config so
// service roles (an ingest writer, a read-only query user) can be added as
// data without touching server startup.

export interface ClickHouseProfile {
  name: string;
  /** Setting name → value, e.g. { readonly: 1, max_memory_usage: 4e9 }. */
  settings: Record<string, string | number>;
}

export interface ClickHouseUser {
  name: string;
  /** Plain-text password; empty or omitted means none (fine on a loopback-only server). */
  password?: string;
  /** Allowed client addresses. Default: loopback only. */
  networks?: readonly string[];
  /** Default: "default". */
  profile?: string;
}

/**
 * The profile of the user that runs tenants' own SQL (POST /v1/sql). The
 * limits live here rather than in the query service because `readonly = 1`
 * forbids a query from changing any setting, so nothing a tenant writes can
 * lift them. The query service refuses to serve SQL when the user it is given
 * lacks any of them (services/query/src/sql/sql-profile.ts).
 */
export const SQL_PROFILE_SETTINGS = {
  readonly: 1,
  max_execution_time: 30,
  timeout_overflow_mode: "throw",
  max_rows_to_read: 2_000_000_000,
  max_bytes_to_read: 200_000_000_000,
  read_overflow_mode: "throw",
  // "break" returns the first rows instead of failing; the service then
  // reports the answer as truncated.
  max_result_rows: 10_000,
  max_result_bytes: 50_000_000,
  result_overflow_mode: "break",
  max_memory_usage: 2_000_000_000,
  max_concurrent_queries_for_user: 4,
  // Exact 64-bit integers in JSON on every version (current releases default to 0).
  output_format_json_quote_64bit_integers: 1,
  // Lets a tenant's WHERE reach into the rollup views' GROUP BY (18.16 defaults to 0).
  enable_optimize_predicate_expression: 1,
} as const satisfies Record<string, string | number>;

export const SQL_PROFILE = "adstream_sql";
export const SQL_USER = "adstream_sql";

// 2 cores and a shared dev box: cap a single query's memory so a runaway
// query fails instead of pushing the machine into swap.
export const DEFAULT_PROFILES: readonly ClickHouseProfile[] = [
  { name: "default", settings: { max_memory_usage: 4_000_000_000 } },
  { name: "readonly", settings: { readonly: 1, max_memory_usage: 4_000_000_000 } },
  { name: SQL_PROFILE, settings: SQL_PROFILE_SETTINGS },
];

export const DEFAULT_USERS: readonly ClickHouseUser[] = [{ name: "default" }, { name: SQL_USER, profile: SQL_PROFILE }];

const LOOPBACK = ["127.0.0.1", "::1"] as const;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// XML element names can't be validated by escaping; reject anything odd.
function tag(name: string): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new Error(`invalid ClickHouse user/profile name: ${name}`);
  return name;
}

export function renderUsersXml(
  users: readonly ClickHouseUser[] = DEFAULT_USERS,
  profiles: readonly ClickHouseProfile[] = DEFAULT_PROFILES,
): string {
  const profileXml = profiles
    .map((p) => {
      const settings = Object.entries(p.settings)
        .map(([k, v]) => `<${tag(k)}>${esc(String(v))}</${tag(k)}>`)
        .join("");
      return `    <${tag(p.name)}>${settings}</${tag(p.name)}>`;
    })
    .join("\n");
  const userXml = users
    .map((u) => {
      const nets = (u.networks ?? LOOPBACK).map((ip) => `<ip>${esc(ip)}</ip>`).join("");
      return (
        `    <${tag(u.name)}><password>${esc(u.password ?? "")}</password>` +
        `<networks>${nets}</networks><profile>${esc(u.profile ?? "default")}</profile>` +
        `<quota>default</quota></${tag(u.name)}>`
      );
    })
    .join("\n");
  return [
    '<?xml version="1.0"?>',
    "<yandex>",
    "  <profiles>",
    profileXml,
    "  </profiles>",
    "  <users>",
    userXml,
    "  </users>",
    "  <quotas><default></default></quotas>",
    "</yandex>",
    "",
  ].join("\n");
}
