import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port.ts';
import { startKubeApiServer, type KubeApiServerHandle } from '../../scripts/lib/kube-apiserver.ts';
import { startNats, type NatsHandle } from '../../scripts/lib/nats-server.ts';
import { startService, type ServiceHandle } from '../../scripts/lib/service-process.ts';
import { makeTempDir, removeTempDir } from '../../scripts/lib/temp-dir.ts';
import { repoRoot } from '../../scripts/lib/tools.ts';
import { waitFor } from '../../scripts/lib/wait-for.ts';
import { FINALIZER } from '../src/crd/api-group.ts';
import { DEFAULT_RBAC } from '../src/manifests/render-manifests.ts';
import { operatorRbac } from '../src/rbac/operator-rbac.ts';
import { collectionPath, kubeAdmin, type KubeAdmin } from './fixtures/kube-admin.ts';

/**
 * The operator as shipped (main.ts, two replicas as child processes) against
 * a real kube-apiserver + etcd and a real nats-server, with the CRD and RBAC
 * from k8s/ and a ServiceAccount token, so it has exactly the permissions a
 * cluster would give it. Nothing runs the processor Deployment: the test acts
 * as the kubelet (it reports the requested replicas ready) and as the
 * processor (it consumes and acknowledges the backlog itself).
 */
const OPERATOR_NS = DEFAULT_RBAC.namespace;
const NS = 'pipelines';
const PIPELINES = `/apis/adstream.io/v1alpha1/namespaces/${NS}/eventpipelines`;
const DEPLOYMENT = `/apis/apps/v1/namespaces/${NS}/deployments/processor`;
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_NS}/leases/${DEFAULT_RBAC.leaseName}`;

let dir: string;
let kas: KubeApiServerHandle;
let nats: NatsHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;
let admin: KubeAdmin;
const operators = new Map<string, ServiceHandle>();
let kubelet: NodeJS.Timeout | undefined;

const pipeline = (name: string, stream: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'adstream.io/v1alpha1',
  kind: 'EventPipeline',
  metadata: { name, namespace: NS },
  spec: {
    stream: { name: stream, subjects: [`${stream.toLowerCase()}.>`], storage: 'file' },
    processor: { deploymentName: 'processor' },
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 6,
      lagPerReplicaFallback: 100,
      pollIntervalSeconds: 1,
      rateWindowSeconds: 10,
      targetDrainSeconds: 10,
      scaleUpStabilizationSeconds: 0,
      scaleDownStabilizationSeconds: 5,
    },
    ...extra,
  },
});

const replicas = async () => (await admin.get(DEPLOYMENT)).spec.replicas as number;
const getPipeline = (name: string) => admin.get(`${PIPELINES}/${name}`);
const condition = (p: any, type: string) => (p.status?.conditions ?? []).find((c: any) => c.type === type);
const leaseHolder = async () => (await admin.send(`GET`, LEASE)).body?.spec?.holderIdentity as string | undefined;
const events = async () => (await admin.get(`/apis/events.k8s.io/v1/namespaces/${NS}/events`)).items as any[];
const streamExists = async (name: string) =>
  jsm.streams.info(name).then(
    () => true,
    () => false,
  );

async function startOperator(name: string, kubeconfig: string): Promise<void> {
  const health = await freePort();
  operators.set(
    name,
    await startService({
      name,
      entry: join(repoRoot(), 'operator', 'src', 'main.ts'),
      env: {
        KUBECONFIG: kubeconfig,
        NATS_URL: nats.url,
        POD_NAME: name,
        POD_NAMESPACE: OPERATOR_NS,
        LEASE_NAME: DEFAULT_RBAC.leaseName,
        LEASE_DURATION_SECONDS: '6',
        RENEW_DEADLINE_SECONDS: '4',
        RETRY_PERIOD_SECONDS: '1',
        HEALTH_PORT: String(health),
        HOST: '127.0.0.1',
        METRICS_PORT: String(await freePort()),
        METRICS_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      readyUrl: `http://127.0.0.1:${health}/readyz`,
      logFile: join(dir, `${name}.log`),
    }),
  );
}

beforeAll(async () => {
  dir = await makeTempDir('operator');
  [kas, nats] = await Promise.all([startKubeApiServer({ dataDir: join(dir, 'kube') }), startNats({ dataDir: join(dir, 'nats'), syncAlways: false })]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  admin = kubeAdmin(kas.url, kas.token, kas.caCert);

  // The CRD exactly as k8s/crd.yaml has it: the API server parses our YAML.
  await admin.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', readFileSync(join(repoRoot(), 'k8s', 'crd.yaml'), 'utf8'), 'application/yaml');
  await waitFor('the CRD to be established', async () => {
    const crd = await admin.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/eventpipelines.adstream.io');
    return (crd.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
  });
  for (const ns of [OPERATOR_NS, NS]) await admin.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const rbacYaml = readFileSync(join(repoRoot(), 'k8s', 'rbac.yaml'), 'utf8').split(/^---\n/m).slice(1);
  const rbacObjects = operatorRbac(DEFAULT_RBAC) as { apiVersion: string; kind: string; metadata: { namespace?: string } }[];
  expect(rbacYaml).toHaveLength(rbacObjects.length);
  for (const [i, doc] of rbacYaml.entries()) await admin.post(collectionPath(rbacObjects[i]!), doc, 'application/yaml');

  const tokenRequest = await admin.post(`/api/v1/namespaces/${OPERATOR_NS}/serviceaccounts/${DEFAULT_RBAC.serviceAccount}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const kubeconfig = join(dir, 'operator-kubeconfig');
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: kas.url, 'certificate-authority-data': Buffer.from(kas.caCert).toString('base64') } }],
      users: [{ name: 'operator', user: { token: tokenRequest.status.token } }],
      contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
      'current-context': 'operator',
    }),
  );

  await admin.post(`/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'processor', namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'processor' } },
      template: { metadata: { labels: { app: 'processor' } }, spec: { containers: [{ name: 'processor', image: 'adstream/processor:test' }] } },
    },
  });
  // Playing the kubelet: every requested replica is reported ready.
  const syncStatus = async () => {
    const d = await admin.get(DEPLOYMENT);
    const n = d.spec.replicas as number;
    if (d.status?.readyReplicas !== n) {
      await admin.patch(`${DEPLOYMENT}/status`, { status: { observedGeneration: d.metadata.generation, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n } });
    }
  };
  kubelet = setInterval(() => void syncStatus().catch(() => undefined), 300);

  await Promise.all([startOperator('operator-a', kubeconfig), startOperator('operator-b', kubeconfig)]);
});

afterAll(async () => {
  clearInterval(kubelet);
  await Promise.all([...operators.values()].map((o) => o.stop('SIGTERM', 15_000)));
  await nc?.close();
  await Promise.all([kas?.stop(), nats?.stop()]);
  if (dir) await removeTempDir(dir);
});

describe('operator against a real kube-apiserver and nats-server', () => {
  let leader: string;

  it('elects one of its two replicas through the Lease', async () => {
    await waitFor('a lease holder', async () => ((await leaseHolder()) ?? '') !== '');
    leader = (await leaseHolder())!;
    expect(['operator-a', 'operator-b']).toContain(leader);
  });

  it('refuses an EventPipeline whose bounds contradict each other (CEL in the CRD)', async () => {
    const bad = pipeline('bad', 'BAD');
    (bad.spec.autoscaling as Record<string, unknown>).minReplicas = 7;
    const r = await admin.send('POST', PIPELINES, bad);
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('autoscaling.minReplicas must not exceed autoscaling.maxReplicas');
  });

  it('creates the stream and the consumer, adds its finalizer and reports Ready', async () => {
    await admin.post(PIPELINES, pipeline('events', 'ITEST', { deletionPolicy: 'Delete' }));
    await waitFor('Ready=True', async () => condition(await getPipeline('events'), 'Ready')?.status === 'True');
    const p = await getPipeline('events');
    expect(p.metadata.finalizers).toContain(FINALIZER);
    expect(p.status).toMatchObject({ observedGeneration: 1, streamOwned: true, consumerOwned: true, lag: 0, currentReplicas: 1 });
    // Defaults from the CRD's schema.
    expect(p.spec.consumer).toMatchObject({ durableName: 'processor', ackWait: '60s', maxAckPending: 2000 });
    expect((await jsm.consumers.info('ITEST', 'processor')).config.ack_policy).toBe('explicit');
  });

  it('raises the Deployment\'s replicas for a backlog', async () => {
    const js = jetstream(nc);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => js.publish('itest.x', `m${i}`)));
    await waitFor('spec.replicas = 6', async () => (await replicas()) === 6, 60_000);
    await waitFor('the status to show it', async () => (await getPipeline('events')).status?.currentReplicas === 6);
    const p = await getPipeline('events');
    expect(p.status).toMatchObject({ desiredReplicas: 6, lag: 1000, perReplicaRateSource: 'fallback' });
    expect(p.status.lastScaleReason).toMatch(/^scale up 1→6: lag 1000/);
    const scaled = (await events()).filter((e) => e.reason === 'ScaledUp' && e.regarding.name === 'events');
    expect(scaled.length).toBeGreaterThanOrEqual(1);
    expect(scaled.every((e) => e.reportingInstance === leader)).toBe(true);
  });

  it('lowers them again once the backlog is worked off', async () => {
    const consumer = await jetstream(nc).consumers.get('ITEST', 'processor');
    let acked = 0;
    while (acked < 1000) {
      const batch = await consumer.fetch({ max_messages: 250, expires: 2000 });
      for await (const m of batch) {
        m.ack();
        acked++;
      }
    }
    await waitFor('spec.replicas = 1', async () => (await replicas()) === 1, 60_000);
    await waitFor('the status to show it', async () => (await getPipeline('events')).status?.currentReplicas === 1);
    const p = await getPipeline('events');
    expect(p.status).toMatchObject({ lag: 0, desiredReplicas: 1 });
    expect((await events()).some((e) => e.reason === 'ScaledDown' && e.reportingInstance === leader)).toBe(true);
  });

  it('reports a missing Deployment as Degraded, with a Warning event', async () => {
    const orphan = pipeline('orphan', 'KEEP');
    orphan.spec.processor.deploymentName = 'no-such-deployment';
    await admin.post(PIPELINES, orphan);
    await waitFor('Degraded=True', async () => condition(await getPipeline('orphan'), 'Degraded')?.status === 'True');
    const p = await getPipeline('orphan');
    expect(condition(p, 'Degraded')).toMatchObject({ reason: 'DeploymentNotFound', message: `Deployment ${NS}/no-such-deployment not found` });
    expect(condition(p, 'Ready')).toMatchObject({ status: 'False', reason: 'DeploymentNotFound' });
    await waitFor('a Warning event', async () => (await events()).some((e) => e.type === 'Warning' && e.regarding.name === 'orphan' && e.reason === 'DeploymentNotFound'));
  });

  it('picks up a spec change after the API server restarted under its watch', async () => {
    await kas.restart();
    await admin.patch(`${PIPELINES}/events`, { spec: { autoscaling: { maxReplicas: 4 } } });
    await waitFor('observedGeneration 2', async () => (await getPipeline('events')).status?.observedGeneration === 2, 60_000);
  });

  it('hands over on SIGTERM: the leader releases the Lease and the other replica carries on', async () => {
    leader = (await leaseHolder())!;
    const other = leader === 'operator-a' ? 'operator-b' : 'operator-a';
    expect(await operators.get(leader)!.stop('SIGTERM', 15_000)).toBe(0);
    operators.delete(leader);
    expect(readFileSync(join(dir, `${leader}.log`), 'utf8')).toContain('released the lease');
    await waitFor(`${other} to hold the lease`, async () => (await leaseHolder()) === other, 30_000);
    await admin.patch(`${PIPELINES}/events`, { spec: { autoscaling: { maxReplicas: 5 } } });
    await waitFor('observedGeneration 3', async () => (await getPipeline('events')).status?.observedGeneration === 3, 30_000);
  });

  it('cleans up on delete: owned stream and consumer go with deletionPolicy Delete, Retain keeps them', async () => {
    expect(await streamExists('KEEP')).toBe(true);
    await admin.delete(`${PIPELINES}/events`);
    await admin.delete(`${PIPELINES}/orphan`);
    await waitFor('both EventPipelines gone', async () => (await admin.send('GET', PIPELINES)).body.items.length === 0, 30_000);
    expect(await streamExists('ITEST')).toBe(false);
    expect(await streamExists('KEEP')).toBe(true);
  });
});
