import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, helm, helmTemplate } from '../lib/helm.ts';
import { startKubeApiServer, type KubeApiServerHandle } from '../lib/kube-apiserver.ts';
import { makeTempDir, removeTempDir } from '../lib/temp-dir.ts';
import { waitFor } from '../lib/wait-for.ts';
import { parseManifests, type K8sObject } from './chart-checks.ts';

/**
 * Every object the chart renders, sent to a real kube-apiserver as a
 * server-side apply with dryRun=All and strict field validation: the API
 * server's own schemas, CRD validation (CEL rules included) and admission
 * accept or refuse it, and nothing is stored. The CRDs themselves are applied
 * for real first, as Helm installs crds/ before the templates.
 */

const NAMESPACE = 'adstream';
const FIELD_MANAGER = 'adstream-chart-test';

let root: string;
let kas: KubeApiServerHandle;

interface Answer {
  status: number;
  body: { message?: string; [k: string]: unknown };
  warnings: string[];
}

function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${kas.url}${path}`,
      {
        method,
        ca: kas.caCert,
        agent: false,
        headers: {
          authorization: `Bearer ${kas.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const warning = res.headers.warning;
          const warnings = warning === undefined ? [] : Array.isArray(warning) ? warning : [warning];
          resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text), warnings });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Resource {
  plural: string;
  namespaced: boolean;
}

/** apiVersion/kind → resource name and scope, from the server's discovery documents. */
async function discover(): Promise<Map<string, Resource>> {
  const out = new Map<string, Resource>();
  const groupVersions = ['v1'];
  const groups = (await call('GET', '/apis')).body as { groups: { versions: { groupVersion: string }[] }[] };
  for (const g of groups.groups) for (const v of g.versions) groupVersions.push(v.groupVersion);
  for (const gv of groupVersions) {
    const list = (await call('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`)).body as { resources: { name: string; kind: string; namespaced: boolean }[] };
    for (const r of list.resources) if (!r.name.includes('/')) out.set(`${gv}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
  }
  return out;
}

function objectPath(o: K8sObject, resources: Map<string, Resource>): string {
  const r = resources.get(`${o.apiVersion}/${o.kind}`);
  if (!r) throw new Error(`the API server serves no ${o.apiVersion} ${o.kind}`);
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const ns = r.namespaced ? `/namespaces/${NAMESPACE}` : '';
  return `${base}${ns}/${r.plural}/${encodeURIComponent(o.metadata.name)}`;
}

async function apply(o: K8sObject, resources: Map<string, Resource>, dryRun: boolean): Promise<Answer> {
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, fieldValidation: 'Strict', force: 'true' });
  if (dryRun) query.set('dryRun', 'All');
  const namespaced = resources.get(`${o.apiVersion}/${o.kind}`)?.namespaced;
  const body = namespaced ? { ...o, metadata: { ...o.metadata, namespace: NAMESPACE } } : o;
  return call('PATCH', `${objectPath(o, resources)}?${query}`, body, 'application/apply-patch+yaml');
}

/** "Kind/name: status message" for each object the server refuses or warns about. */
async function dryRunAll(objects: readonly K8sObject[]): Promise<{ refused: string[]; warnings: string[] }> {
  const resources = await discover();
  const refused: string[] = [];
  const warnings: string[] = [];
  for (const o of objects) {
    const a = await apply(o, resources, true);
    if (a.status !== 200 && a.status !== 201) refused.push(`${o.kind}/${o.metadata.name}: ${a.status} ${a.body.message}`);
    for (const w of a.warnings) warnings.push(`${o.kind}/${o.metadata.name}: ${w}`);
  }
  return { refused, warnings };
}

beforeAll(async () => {
  root = await makeTempDir('chart-apply');
  kas = await startKubeApiServer({ dataDir: join(root, 'kube') });
  const crds = parseManifests(helmTemplate({ includeCrds: true, kubeVersion: kas.version })).filter((o) => o.kind === 'CustomResourceDefinition');
  expect(crds.length).toBeGreaterThan(0);
  const resources = await discover();
  for (const crd of crds) {
    const a = await apply(crd, resources, false);
    expect(a.status, `${crd.metadata.name}: ${a.body.message}`).toBeLessThan(300);
  }
  await waitFor('the CRDs to be served', async () => {
    const known = await discover();
    return crds.every((c) => {
      const spec = c.spec as { group: string; names: { kind: string }; versions: { name: string }[] };
      return known.has(`${spec.group}/${spec.versions[0]!.name}/${spec.names.kind}`);
    });
  }, 60_000, 250);
  const ns = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  expect(ns.status).toBe(201);
});

afterAll(async () => {
  await kas?.stop();
  if (root) await removeTempDir(root);
});

describe('the chart, dry-run applied to a real kube-apiserver', () => {
  // The production-like values without the prometheus-operator API: its CRDs
  // are not installed on this server (a cluster with them gets ServiceMonitor
  // and PrometheusRule objects instead of scrape annotations).
  it.each(['ci/default-values.yaml', 'ci/external-values.yaml', 'ci/production-values.yaml', 'values-dev.yaml'])(
    'accepts every object rendered with %s, without warnings',
    async (file) => {
      const objects = parseManifests(helmTemplate({ valuesFiles: [join(chartDir(), file)], kubeVersion: kas.version, namespace: NAMESPACE }));
      const { refused, warnings } = await dryRunAll(objects);
      expect(refused).toEqual([]);
      expect(warnings).toEqual([]);
    },
  );

  it("refuses what the CRD's rules refuse (the dry run validates for real)", async () => {
    const objects = parseManifests(helmTemplate({ kubeVersion: kas.version, namespace: NAMESPACE }));
    const pipeline = objects.find((o) => o.kind === 'EventPipeline')!;
    const spec = pipeline.spec as { autoscaling: Record<string, unknown> };
    const broken = { ...pipeline, spec: { ...spec, autoscaling: { ...spec.autoscaling, minReplicas: 0 } } };
    const { refused } = await dryRunAll([broken]);
    expect(refused.join('\n')).toContain('autoscaling.minReplicas may be 0 only with allowScaleToZero: true');
  });

  it('refuses unknown fields (server-side apply checks every field against the schema)', async () => {
    const objects = parseManifests(helmTemplate({ kubeVersion: kas.version, namespace: NAMESPACE }));
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const broken = { ...deployment, spec: { ...(deployment.spec as object), replica: 3 } };
    const { refused } = await dryRunAll([broken]);
    expect(refused.join('\n')).toContain('.spec.replica: field not declared in schema');
  });

  it('stores nothing', async () => {
    const list = await call('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`);
    expect((list.body as { items: unknown[] }).items).toEqual([]);
  });
});

describe('helm install and upgrade against the real kube-apiserver', () => {
  // Hooks are skipped: with no controller-manager or kubelet here, a hook Job
  // would never complete. Everything else is created for real.
  const RELEASE_NS = 'shop';
  const run = (...args: string[]) => {
    const r = helm([...args, 'adstream', chartDir(), '--namespace', RELEASE_NS, '--no-hooks'], { kubeconfig: kas.kubeconfig });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  const secretData = async (name: string) =>
    (await call('GET', `/api/v1/namespaces/${RELEASE_NS}/secrets/${name}`)).body.data as Record<string, string>;

  it('keeps the generated API key and passwords across upgrades, and the replica count the operator set', async () => {
    const notes = run('install', '--create-namespace');
    expect(notes).toContain(`kubectl -n ${RELEASE_NS} get secret adstream-api-keys`);

    const keys = await secretData('adstream-api-keys');
    const passwords = await secretData('adstream-clickhouse-credentials');
    expect(JSON.parse(Buffer.from(keys['keys.json']!, 'base64').toString('utf8'))[0].key).toHaveLength(40);

    // What the operator does: set the processors' count through the scale subresource.
    const scale = await call('PATCH', `/apis/apps/v1/namespaces/${RELEASE_NS}/deployments/adstream-processor/scale`, { spec: { replicas: 7 } }, 'application/merge-patch+json');
    expect(scale.status).toBe(200);

    run('upgrade', '--set', 'logLevel=debug');
    expect(await secretData('adstream-api-keys')).toEqual(keys);
    expect(await secretData('adstream-clickhouse-credentials')).toEqual(passwords);
    const processor = await call('GET', `/apis/apps/v1/namespaces/${RELEASE_NS}/deployments/adstream-processor`);
    expect((processor.body.spec as { replicas: number }).replicas).toBe(7);
    const env = await call('GET', `/api/v1/namespaces/${RELEASE_NS}/configmaps/adstream-env`);
    expect((env.body.data as Record<string, string>).LOG_LEVEL).toBe('debug');
  });
});
