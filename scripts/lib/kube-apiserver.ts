import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { startEtcd, type EtcdHandle } from "./etcd-server.ts";
import { freePort } from "./free-port.ts";
import { startManagedServer, type ManagedServer } from "./managed-server.ts";
import { kubeApiServerBinary, pinnedKubernetesVersion } from "./tools.ts";

export interface KubeApiServerOptions {
  /** Holds etcd's data, the certificates, keys, token file, kubeconfig and logs; reused by restart(). */
  dataDir: string;
  /** For etcd and kube-apiserver each. Default 120 s: a first start on a busy 2-core machine is slow. */
  readyTimeoutMs?: number;
}

export interface KubeApiServerHandle {
  /** https://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** Bearer token of "admin" in system:masters (all rights, RBAC bypassed). */
  readonly token: string;
  /** A user in no group but system:authenticated: only what RBAC grants it (by default, discovery). */
  readonly restricted: { readonly user: string; readonly token: string };
  /** PEM bundle that verifies the serving certificate (kube-apiserver generated it in --cert-dir). */
  readonly caCert: string;
  readonly caFile: string;
  /** Kubeconfig (JSON, which is YAML) with contexts "admin" (current) and "restricted". */
  readonly kubeconfig: string;
  /** e.g. "v1.36.3" */
  readonly version: string;
  readonly etcdUrl: string;
  readonly logFile: string;
  readonly pid: number | undefined;
  readonly etcdPid: number | undefined;
  /** Stops kube-apiserver, then etcd. Safe to call twice. */
  stop(): Promise<void>;
  /** Restarts kube-apiserver only (same port, certificates, data): drops every open watch. */
  restart(): Promise<void>;
}

export const ADMIN_CONTEXT = "admin";
export const RESTRICTED_CONTEXT = "restricted";
const RESTRICTED_USER = "adstream-restricted";
const CLUSTER_NAME = "adstream-test";

/**
 * A real control plane for tests: Debian's etcd plus kube-apiserver built by
 * scripts/setup.sh, on loopback ports. No controller-manager, scheduler or
 * kubelet run, so nothing acts on objects: Deployments get no ReplicaSets or
 * pods, deleted namespaces stay Terminating, ownerReferences are not garbage
 * collected. Spec fields, subresources (scale, status), RBAC, admission,
 * CRD validation and defaulting, watches and Leases all behave as in a cluster.
 */
export async function startKubeApiServer(opts: KubeApiServerOptions): Promise<KubeApiServerHandle> {
  const binary = kubeApiServerBinary();
  const version = pinnedKubernetesVersion();
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const pki = join(opts.dataDir, "pki");
  await mkdir(pki, { recursive: true });
  const credentials = await writeCredentials(opts.dataDir, pki);

  const etcd = await startEtcd({ dataDir: join(opts.dataDir, "etcd"), readyTimeoutMs });
  let apiserver: ManagedServer;
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const logFile = join(opts.dataDir, "kube-apiserver.log");
  try {
    apiserver = await startManagedServer({
      name: `kube-apiserver ${version} on :${port}`,
      command: binary,
      args: apiserverArgs({ port, etcd, pki, tokenFile: credentials.tokenFile }),
      logFile,
      cwd: opts.dataDir,
      // /readyz passes once etcd is reachable and every post-start hook (RBAC
      // bootstrap roles, built-in priority levels, CRD informers) has run.
      ready: () => readyz(url, credentials.adminToken),
      readyTimeoutMs,
    });
  } catch (err) {
    await etcd.stop();
    throw err;
  }

  // Written by kube-apiserver before it serves: the serving certificate
  // followed by the throwaway CA that signed it, so the file verifies itself.
  const caFile = join(pki, "apiserver.crt");
  const caCert = await readFile(caFile, "utf8");
  const kubeconfig = join(opts.dataDir, "kubeconfig");
  await writeFile(
    kubeconfig,
    JSON.stringify(
      kubeconfigFor({ url, caCert, adminToken: credentials.adminToken, restrictedToken: credentials.restrictedToken }),
      null,
      2,
    ),
    { mode: 0o600 },
  );

  let stopped = false;
  return {
    url,
    port,
    token: credentials.adminToken,
    restricted: { user: RESTRICTED_USER, token: credentials.restrictedToken },
    caCert,
    caFile,
    kubeconfig,
    version,
    etcdUrl: etcd.clientUrl,
    logFile,
    get pid() {
      return apiserver.pid;
    },
    get etcdPid() {
      return etcd.pid;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await apiserver.stop();
      } finally {
        await etcd.stop();
      }
    },
    restart: () => apiserver.restart(),
  };
}

interface ApiserverArgsInput {
  port: number;
  etcd: EtcdHandle;
  pki: string;
  tokenFile: string;
}

function apiserverArgs(a: ApiserverArgsInput): string[] {
  return [
    `--etcd-servers=${a.etcd.clientUrl}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${a.port}`,
    // No --tls-cert-file: kube-apiserver then generates a CA and a serving
    // certificate for localhost/127.0.0.1 here, and reuses them on restart.
    `--cert-dir=${a.pki}`,
    `--token-auth-file=${a.tokenFile}`,
    "--authorization-mode=RBAC",
    // Needed for ServiceAccount tokens (TokenRequest), which in-cluster
    // clients such as the operator authenticate with.
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(a.pki, "service-account.pub")}`,
    `--service-account-signing-key-file=${join(a.pki, "service-account.key")}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    // The "kubernetes" Service's endpoints would be this loopback address,
    // which Endpoints validation refuses, in a retry loop; nothing here runs
    // in-cluster, so nobody needs them.
    "--endpoint-reconciler-type=none",
    "--profiling=false",
  ];
}

interface Credentials {
  tokenFile: string;
  adminToken: string;
  restrictedToken: string;
}

/** Static bearer tokens and the ServiceAccount signing key pair, fresh per data dir. */
async function writeCredentials(dataDir: string, pki: string): Promise<Credentials> {
  const adminToken = randomBytes(24).toString("hex");
  const restrictedToken = randomBytes(24).toString("hex");
  const tokenFile = join(dataDir, "tokens.csv");
  // token,user,uid[,"group,group"]
  await writeFile(
    tokenFile,
    `${adminToken},admin,admin-uid,"system:masters"\n${restrictedToken},${RESTRICTED_USER},restricted-uid\n`,
    { mode: 0o600 },
  );
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await writeFile(join(pki, "service-account.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  await writeFile(join(pki, "service-account.pub"), publicKey.export({ type: "spki", format: "pem" }));
  return { tokenFile, adminToken, restrictedToken };
}

interface KubeconfigInput {
  url: string;
  caCert: string;
  adminToken: string;
  restrictedToken: string;
}

function kubeconfigFor(k: KubeconfigInput): object {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: CLUSTER_NAME, cluster: { server: k.url, "certificate-authority-data": Buffer.from(k.caCert).toString("base64") } },
    ],
    users: [
      { name: "admin", user: { token: k.adminToken } },
      { name: RESTRICTED_USER, user: { token: k.restrictedToken } },
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: CLUSTER_NAME, user: "admin" } },
      { name: RESTRICTED_CONTEXT, context: { cluster: CLUSTER_NAME, user: RESTRICTED_USER } },
    ],
    "current-context": ADMIN_CONTEXT,
  };
}

/**
 * GET /readyz as admin. Certificate checks are off for this probe only: the
 * certificate does not exist until the server has generated it. A fresh
 * connection per probe, like httpReady, so none lingers past stop().
 */
function readyz(url: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsGet(
      `${url}/readyz`,
      { agent: false, rejectUnauthorized: false, timeout: 5_000, headers: { authorization: `Bearer ${token}`, connection: "close" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
        res.on("error", () => resolve(false));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}
