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

// 2 cores and a shared dev box: cap a single query's memory so a runaway
// query fails instead of pushing the machine into swap.
export const DEFAULT_PROFILES: readonly ClickHouseProfile[] = [
  { name: "default", settings: { max_memory_usage: 4_000_000_000 } },
  { name: "readonly", settings: { readonly: 1, max_memory_usage: 4_000_000_000 } },
];

export const DEFAULT_USERS: readonly ClickHouseUser[] = [{ name: "default" }];

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
