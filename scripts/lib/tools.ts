import { accessSync, constants, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

// The project's JetStream guarantees (sync_interval: always, the stream limits
// the services rely on) need a current server; DESIGN.md sets this floor.
// scripts/setup.sh pins the exact version it builds into .tools/bin.
export const MIN_NATS_VERSION: Version = [2, 10, 23];
const MIN_NODE_MAJOR = 24;

export type Version = readonly [major: number, minor: number, patch: number];

/** Absolute path of the repository root (this file lives in scripts/lib/). */
export function repoRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/** Git-ignored folder for tools built by scripts/setup.sh. */
export function toolsBinDir(): string {
  return join(repoRoot(), ".tools", "bin");
}

export function versionAtLeast(have: Version, want: Version): boolean {
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== want[i]!) return have[i]! > want[i]!;
  }
  return true;
}

export function formatVersion(v: Version): string {
  return v.join(".");
}

function parseVersion(text: string): Version | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const versionCache = new Map<string, Version>();

/** Version reported by `nats-server --version`; cached because tests ask often. */
export function natsServerVersion(binary: string): Version {
  let v = versionCache.get(binary);
  if (!v) {
    const out = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 });
    v = parseVersion(out);
    if (!v) throw new Error(`cannot parse nats-server version from ${JSON.stringify(out.trim())} (${binary})`);
    versionCache.set(binary, v);
  }
  return v;
}

/**
 * The nats-server to run: the current one built into .tools/bin by setup.
 * Debian's 2.9 lacks features the platform depends on, so it is used only when
 * explicitly allowed; silently testing against it would hide real failures.
 */
export function natsServerBinary(): string {
  const built = join(toolsBinDir(), "nats-server");
  if (isExecutable(built)) {
    const v = natsServerVersion(built);
    if (versionAtLeast(v, MIN_NATS_VERSION)) return built;
    if (process.env.ADSTREAM_ALLOW_OLD_NATS !== "1") {
      throw new Error(
        `${built} is v${formatVersion(v)}, older than the required v${formatVersion(MIN_NATS_VERSION)}; run \`npm run setup\``,
      );
    }
  }
  if (process.env.ADSTREAM_ALLOW_OLD_NATS === "1") {
    const fallback = [built, "/usr/sbin/nats-server", "/usr/bin/nats-server", findOnPath("nats-server")].find(
      (p): p is string => p !== undefined && isExecutable(p),
    );
    if (fallback) return fallback;
  }
  throw new Error(
    `nats-server >= v${formatVersion(MIN_NATS_VERSION)} not found at ${built}; run \`npm run setup\` ` +
      "(or set ADSTREAM_ALLOW_OLD_NATS=1 to use Debian's older nats-server)",
  );
}

/** Debian's clickhouse-server (18.16); sbin is often not on a normal user's PATH. */
export function clickhouseServerBinary(): string {
  const found = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server", findOnPath("clickhouse-server")].find(
    (p): p is string => p !== undefined && isExecutable(p),
  );
  if (!found) throw new Error("clickhouse-server not found; run `npm run setup` (installs the Debian package)");
  return found;
}

/**
 * Node 24 to run services with. Under npm the running node already is the
 * project's Node 24; when a script is started with an older system node, the
 * devDependency's binary is used so .ts entries still run with type stripping.
 */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= MIN_NODE_MAJOR) return process.execPath;
  const local = join(repoRoot(), "node_modules", "node", "bin", "node");
  if (isExecutable(local)) return local;
  throw new Error(`Node ${MIN_NODE_MAJOR} not found (running ${process.version}); run \`npm run setup\``);
}

/** Debian's etcd (etcd-server package), the store behind the test kube-apiserver. */
export function etcdBinary(): string {
  const found = ["/usr/bin/etcd", "/usr/sbin/etcd", findOnPath("etcd")].find(
    (p): p is string => p !== undefined && isExecutable(p),
  );
  if (!found) throw new Error("etcd not found; run `npm run setup` (installs Debian's etcd-server)");
  return found;
}

/**
 * The Kubernetes release kube-apiserver is built from, e.g. "v1.36.3". Its one
 * home is tools/kube-apiserver/go.mod, which scripts/setup.sh reads as well.
 */
export function pinnedKubernetesVersion(): string {
  const goMod = join(repoRoot(), "tools", "kube-apiserver", "go.mod");
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(readFileSync(goMod, "utf8"));
  if (!m) throw new Error(`no k8s.io/kubernetes requirement in ${goMod}`);
  return m[1]!;
}

let checkedKubeApiServer: string | undefined;

/**
 * kube-apiserver built into .tools/bin by setup from the pinned release. A
 * binary of another release (the pin moved, setup not rerun) is refused, so
 * tests never silently run against a different API server than the one pinned.
 */
export function kubeApiServerBinary(): string {
  const built = join(toolsBinDir(), "kube-apiserver");
  if (checkedKubeApiServer === built) return built;
  const want = pinnedKubernetesVersion();
  if (!isExecutable(built)) throw new Error(`kube-apiserver ${want} not found at ${built}; run \`npm run setup\``);
  const out = execFileSync(built, ["--version"], { encoding: "utf8", timeout: 30_000 }).trim();
  if (out !== `Kubernetes ${want}`) {
    throw new Error(`${built} reports ${JSON.stringify(out)}, expected "Kubernetes ${want}"; run \`npm run setup\``);
  }
  checkedKubeApiServer = built;
  return built;
}
