import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { httpReady } from "./child-process.ts";
import { startManagedServer } from "./managed-server.ts";
import { etcdBinary } from "./tools.ts";

export interface EtcdOptions {
  /** Holds the member's data (dataDir/member) and its log; reused by restart(). */
  dataDir: string;
  readyTimeoutMs?: number;
}

export interface EtcdHandle {
  /** http://127.0.0.1:port, for --etcd-servers. */
  readonly clientUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

/** A single-member etcd (Debian's etcd-server) on loopback, plain HTTP: nothing but local tests talk to it. */
export async function startEtcd(opts: EtcdOptions): Promise<EtcdHandle> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const name = `adstream-test-${clientPort}`;
  const logFile = join(opts.dataDir, "etcd.log");
  await mkdir(opts.dataDir, { recursive: true });

  const server = await startManagedServer({
    name: `etcd on :${clientPort}`,
    command: etcdBinary(),
    args: [
      `--name=${name}`,
      `--data-dir=${join(opts.dataDir, "data")}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${name}=${peerUrl}`,
      "--initial-cluster-state=new",
      // The default (100k entries between snapshots) keeps the whole raft log
      // in memory; a test cluster writes little, so snapshot far more often.
      "--snapshot-count=10000",
      "--logger=zap",
      "--log-level=warn",
    ],
    logFile,
    cwd: opts.dataDir,
    // /health turns true only once the member has a leader and serves requests.
    ready: () => httpReady(`${clientUrl}/health`, (body) => body.includes('"health":"true"')),
    readyTimeoutMs: opts.readyTimeoutMs,
  });

  return {
    clientUrl,
    dataDir: opts.dataDir,
    logFile,
    get pid() {
      return server.pid;
    },
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
    restart: () => server.restart(),
  };
}
