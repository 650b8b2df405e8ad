import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadOperatorConfig } from '../../operator/src/config.ts';
import { parseEventPipelineSpec } from '../../operator/src/crd/event-pipeline-spec.ts';
import { ingestEnvSchema } from '../../services/ingest/src/config.ts';
import { processorEnvSchema } from '../../services/processor/src/config.ts';
import { queryEnvSchema } from '../../services/query/src/config.ts';
import { checkSqlProfile } from '../../services/query/src/sql/sql-profile.ts';
import { ApiKeyStore, type ApiKeyEntry } from '../../services/shared/src/api-keys.ts';
import { clickhouseEnv } from '../../services/shared/src/connection-env.ts';
import { parseEnv } from '../../services/shared/src/env.ts';
import { telemetrySettings, type ServiceName } from '../../services/shared/src/telemetry/telemetry-env.ts';
import { topologyEnvSchema } from '../../services/shared/src/topology-config.ts';
import { chartDir, helm, helmTemplate } from '../lib/helm.ts';
import { natsServerBinary, repoRoot } from '../lib/tools.ts';
import { allContainers, checkManifests, parseManifests, podTemplate, type Container, type K8sObject, type PodTemplate } from './chart-checks.ts';

const MONITORING_APIS = ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'];
const values = (file: string) => join(chartDir(), file);

function find(objects: readonly K8sObject[], kind: string, nameSuffix: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name.endsWith(nameSuffix));
  if (!o) throw new Error(`no ${kind} *${nameSuffix} rendered`);
  return o;
}
const pod = (o: K8sObject): PodTemplate => podTemplate(o)!;
const container = (o: K8sObject, name: string): Container => allContainers(pod(o).spec).find((c) => c.name === name)!;
const secretValue = (objects: readonly K8sObject[], name: string, key: string) => {
  const s = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name) as (K8sObject & { data: Record<string, string> }) | undefined;
  return s === undefined ? undefined : Buffer.from(s.data[key]!, 'base64').toString('utf8');
};

/** The environment a container starts with: its ConfigMaps, literal values and Secret values (existing Secrets as a placeholder). */
function containerEnv(objects: readonly K8sObject[], c: Container): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const from of c.envFrom ?? []) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name) as (K8sObject & { data: Record<string, string> }) | undefined;
    Object.assign(env, cm?.data ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secretValue(objects, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key) ?? 'from-an-existing-secret';
    else if (e.valueFrom?.fieldRef) env[e.name] = 'pod-field';
  }
  return env;
}

const portNamed = (c: Container, name: string) => c.ports?.find((p) => p.name === name)?.containerPort;

/** Each service's own zod schemas accept the environment the chart gives it, and its ports are the ones the container declares. */
function checkServiceEnvironments(objects: readonly K8sObject[]): void {
  const services: { deployment: string; schema: z.ZodObject; telemetry: ServiceName; http?: string; httpVar?: string }[] = [
    { deployment: '-ingest', schema: ingestEnvSchema, telemetry: 'adstream-ingest', http: 'http', httpVar: 'PORT' },
    { deployment: '-processor', schema: processorEnvSchema, telemetry: 'adstream-processor', http: 'health', httpVar: 'HEALTH_PORT' },
    { deployment: '-query', schema: queryEnvSchema, telemetry: 'adstream-query', http: 'http', httpVar: 'PORT' },
  ];
  for (const s of services) {
    const deployment = find(objects, 'Deployment', s.deployment);
    const c = pod(deployment).spec.containers[0]!;
    const env = containerEnv(objects, c);
    const config = parseEnv(s.schema, env) as Record<string, unknown>;
    parseEnv(topologyEnvSchema, env);
    expect(config[s.httpVar!], `${deployment.metadata.name} ${s.httpVar}`).toBe(portNamed(c, s.http!));
    expect(telemetrySettings(s.telemetry, env).metricsPort, `${deployment.metadata.name} METRICS_PORT`).toBe(portNamed(c, 'metrics'));
  }
  const operator = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-operator'));
  if (operator) {
    const c = pod(operator).spec.containers[0]!;
    const config = loadOperatorConfig(containerEnv(objects, c), '/nonexistent');
    expect(config.HEALTH_PORT).toBe(portNamed(c, 'health'));
    expect(telemetrySettings('adstream-operator', containerEnv(objects, c)).metricsPort).toBe(portNamed(c, 'metrics'));
  }
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.endsWith('-migrations'));
  if (job) parseEnv(z.object(clickhouseEnv(30_000)), containerEnv(objects, container(job, 'migrate')));
}

/** The file each adstream container runs exists in the repository (and so in the image). */
function checkEntryFiles(objects: readonly K8sObject[]): void {
  for (const o of objects) {
    const t = podTemplate(o);
    if (!t) continue;
    for (const c of allContainers(t.spec)) {
      if (!c.image?.includes('adstream')) continue;
      const args = (c as Container & { args: string[] }).args;
      const entry = args.at(-1)!;
      expect(existsSync(join(repoRoot(), entry)), `${o.metadata.name}/${c.name} runs ${entry}`).toBe(true);
    }
  }
}

describe('helm lint --strict', () => {
  it.each(['values.yaml', 'values-dev.yaml', ...readdirSync(values('ci')).map((f) => `ci/${f}`)])('accepts the chart with %s', (file) => {
    const r = helm(['lint', '--strict', chartDir(), '--values', values(file)]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });
});

interface Case {
  name: string;
  file: string;
  apiVersions?: string[];
  externalSecrets?: string[];
  readOnlyRoot?: boolean;
}

const cases: Case[] = [
  { name: 'default', file: 'ci/default-values.yaml' },
  { name: 'external-services', file: 'ci/external-values.yaml', externalSecrets: ['adstream-api-keys', 'adstream-clickhouse'] },
  { name: 'production-like', file: 'ci/production-values.yaml', apiVersions: MONITORING_APIS, externalSecrets: ['registry-credentials'] },
  { name: 'development (Tilt)', file: 'values-dev.yaml', externalSecrets: ['adstream-dev-api-keys', 'adstream-dev-clickhouse'], readOnlyRoot: false },
];

describe.each(cases)('helm template with the $name values', (c) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = parseManifests(helmTemplate({ valuesFiles: [values(c.file)], apiVersions: c.apiVersions }));
  });

  it('renders objects that are consistent with each other', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(checkManifests(objects, { externalSecrets: c.externalSecrets, readOnlyRoot: c.readOnlyRoot })).toEqual([]);
  });

  it("gives every service an environment that the service's own config schemas accept", () => {
    checkServiceEnvironments(objects);
  });

  it('runs entry files that exist', () => {
    checkEntryFiles(objects);
  });

  it('autoscales ingest and query with CPU HPAs, and never the processors', () => {
    const targets = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name);
    expect(targets.some((t) => t.endsWith('-processor'))).toBe(false);
    const hpaExpected = c.file !== 'values-dev.yaml';
    expect(targets.filter((t) => t.endsWith('-ingest') || t.endsWith('-query')).length).toBe(hpaExpected ? 2 : 0);
  });
});

describe('default values', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = parseManifests(helmTemplate({ valuesFiles: [values('ci/default-values.yaml')] }));
  });

  it('generates a random API key the services accept, different on every fresh install', () => {
    const name = find(objects, 'Secret', '-api-keys').metadata.name;
    const entries = JSON.parse(secretValue(objects, name, 'keys.json')!) as ApiKeyEntry[];
    expect(entries).toHaveLength(1);
    expect(() => new ApiKeyStore(entries)).not.toThrow();
    expect(entries[0]).toMatchObject({ tenant: 'default', scopes: ['ingest', 'query'] });
    const again = parseManifests(helmTemplate({ valuesFiles: [values('ci/default-values.yaml')] }));
    const other = JSON.parse(secretValue(again, name, 'keys.json')!) as ApiKeyEntry[];
    expect(other[0]!.key).not.toBe(entries[0]!.key);
  });

  it('leaves the processor replica count to the operator, through an EventPipeline that matches the services', () => {
    const processor = find(objects, 'Deployment', '-processor');
    expect((processor.spec as { replicas?: number }).replicas).toBeUndefined();
    const pipeline = find(objects, 'EventPipeline', 'adstream');
    const parsed = parseEventPipelineSpec(pipeline.spec);
    if (!parsed.ok) throw new Error(parsed.message);
    const env = containerEnv(objects, pod(processor).spec.containers[0]!);
    expect(parsed.spec.processor.deploymentName).toBe(processor.metadata.name);
    expect(parsed.spec.stream.name).toBe(env.JETSTREAM_STREAM);
    expect(parsed.spec.stream.subjects).toEqual([`${env.JETSTREAM_SUBJECT_PREFIX}.events.>`]);
    expect(parsed.spec.stream.replicas).toBe(3);
    expect(parsed.spec.consumer.durableName).toBe(env.JETSTREAM_CONSUMER);
    expect(parsed.spec.consumer.ackWait).toBe(`${env.JETSTREAM_ACK_WAIT_MS}ms`);
    expect(env.JETSTREAM_PROVISION).toBe('false');
  });

  it('runs a 3-server NATS whose configuration nats-server accepts, with fsync before every ack', () => {
    const sts = find(objects, 'StatefulSet', '-nats');
    expect((sts.spec as { replicas: number }).replicas).toBe(3);
    const conf = (find(objects, 'ConfigMap', '-nats') as K8sObject & { data: Record<string, string> }).data['nats.conf']!;
    expect(conf).toMatch(/^\s*sync_interval: always$/m);
    expect(conf.match(/nats:\/\/\S+:6222/g)).toHaveLength(3);
    const dir = mkdtempSync(join(tmpdir(), 'chart-nats-'));
    try {
      writeFileSync(join(dir, 'nats.conf'), conf);
      const r = spawnSync(natsServerBinary(), ['-c', join(dir, 'nats.conf'), '-t'], { encoding: 'utf8', env: { SERVER_NAME: 'adstream-nats-0' } });
      expect(r.stdout + r.stderr).toContain('is valid');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the nats-server release the tests run against (scripts/setup.sh)', () => {
    const pinned = /^NATS_VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot(), 'scripts/setup.sh'), 'utf8'))![1];
    expect(container(find(objects, 'StatefulSet', '-nats'), 'nats').image).toBe(`nats:${pinned}-alpine`);
  });

  it("creates the read-only SQL user with a profile the query service's own check accepts", () => {
    const users = (find(objects, 'ConfigMap', '-clickhouse') as K8sObject & { data: Record<string, string> }).data['users.xml']!;
    const profile = /<profiles>\s*<(\w+)>([\s\S]*?)<\/\1>\s*<\/profiles>/.exec(users)!;
    const settings = new Map([...profile[2]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1]!, m[2]!]));
    expect(checkSqlProfile(settings)).toMatchObject({ ok: true });
    expect(users).toContain(`<profile>${profile[1]}</profile>`);
    const query = container(find(objects, 'Deployment', '-query'), 'query');
    expect(containerEnv(objects, query).CLICKHOUSE_SQL_USER).toBe('adstream_sql');
  });

  it('migrates before upgrades with a hook Job, and lets processors migrate on the first install (ClickHouse is part of the release)', () => {
    const job = find(objects, 'Job', '-migrations');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-upgrade');
    expect(containerEnv(objects, container(find(objects, 'Deployment', '-processor'), 'processor')).MIGRATE_ON_START).toBe('true');
  });

  it('asks for scrapes with annotations when the prometheus-operator API is absent', () => {
    expect(objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toEqual([]);
    for (const name of ['-ingest', '-processor', '-query', '-operator']) {
      const d = find(objects, 'Deployment', name);
      const annotations = pod(d).metadata.annotations ?? {};
      expect(annotations['prometheus.io/scrape'], name).toBe('true');
      expect(Number(annotations['prometheus.io/port'])).toBe(portNamed(pod(d).spec.containers[0]!, 'metrics'));
    }
  });

  it("packages every Grafana dashboard as a ConfigMap for Grafana's sidecar", () => {
    const dir = join(repoRoot(), 'observability/grafana/dashboards');
    const sources = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const maps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1') as (K8sObject & { data: Record<string, string> })[];
    expect(maps.map((m) => Object.keys(m.data)[0]).sort()).toEqual(sources.sort());
    for (const m of maps) {
      const [file, text] = Object.entries(m.data)[0]!;
      expect(JSON.parse(text), file).toEqual(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
  });
});

describe('external-services values', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = parseManifests(helmTemplate({ valuesFiles: [values('ci/external-values.yaml')] }));
  });

  it('runs no NATS or ClickHouse and points the services at the given URLs', () => {
    const given = parse(readFileSync(values('ci/external-values.yaml'), 'utf8'));
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    const env = containerEnv(objects, container(find(objects, 'Deployment', '-processor'), 'processor'));
    expect(env.NATS_URL).toBe(given.nats.external.url);
    expect(env.CLICKHOUSE_URL).toBe(given.clickhouse.external.url);
    expect(env.CLICKHOUSE_USER).toBe('adstream_writer');
    expect(env.CLICKHOUSE_DATABASE).toBe('ads');
  });

  it('without the operator: no EventPipeline or RBAC, services provision JetStream, processors run a fixed count', () => {
    expect(objects.filter((o) => ['EventPipeline', 'ClusterRole', 'ServiceAccount'].includes(o.kind))).toEqual([]);
    const processor = find(objects, 'Deployment', '-processor');
    expect((processor.spec as { replicas: number }).replicas).toBe(4);
    expect(containerEnv(objects, container(processor, 'processor')).JETSTREAM_PROVISION).toBe('true');
  });

  it('migrates with a hook Job before install and upgrade, reading the existing Secret', () => {
    const job = find(objects, 'Job', '-migrations');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const password = container(job, 'migrate').env!.find((e) => e.name === 'CLICKHOUSE_PASSWORD')!;
    expect(password.valueFrom?.secretKeyRef).toEqual({ name: 'adstream-clickhouse', key: 'writer-password' });
    expect(containerEnv(objects, container(find(objects, 'Deployment', '-processor'), 'processor')).MIGRATE_ON_START).toBe('false');
  });
});

describe('production-like values with the prometheus-operator API', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = parseManifests(helmTemplate({ valuesFiles: [values('ci/production-values.yaml')], apiVersions: MONITORING_APIS }));
  });

  it('scrapes through a ServiceMonitor with the job names the alert rules and dashboards use', () => {
    const sm = find(objects, 'ServiceMonitor', 'adstream');
    expect((sm.spec as { jobLabel: string }).jobLabel).toBe('adstream.io/scrape-job');
    expect(sm.metadata.labels?.release).toBe('kube-prometheus-stack');
    const jobs = objects.filter((o) => o.kind === 'Service').flatMap((o) => o.metadata.labels?.['adstream.io/scrape-job'] ?? []);
    expect(jobs.sort()).toEqual(['adstream-clickhouse', 'adstream-ingest', 'adstream-operator', 'adstream-processor', 'adstream-query']);
    const d = find(objects, 'Deployment', '-ingest');
    expect(pod(d).metadata.annotations?.['prometheus.io/scrape']).toBeUndefined();
  });

  it('wraps the alert rules file in a PrometheusRule, unchanged', () => {
    const rule = find(objects, 'PrometheusRule', 'adstream');
    const file = parse(readFileSync(join(repoRoot(), 'observability/prometheus/adstream-rules.yml'), 'utf8'));
    expect((rule.spec as { groups: unknown }).groups).toEqual(file.groups);
  });

  it('spreads pods strictly and pins the image', () => {
    const d = find(objects, 'Deployment', '-ingest');
    const spec = pod(d).spec as PodTemplate['spec'] & { topologySpreadConstraints: { whenUnsatisfiable: string }[] };
    expect(spec.topologySpreadConstraints.map((t) => t.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'DoNotSchedule']);
    expect(container(d, 'ingest').image).toBe('registry.example.com/adstream/adstream:0.1.0');
    expect((find(objects, 'StatefulSet', '-nats').spec as { replicas: number }).replicas).toBe(5);
  });
});

describe('development values (Tilt on kind)', () => {
  it('exposes ingest and query on the NodePorts kind-config.yaml maps to the host, and restarts on synced sources', () => {
    const objects = parseManifests(helmTemplate({ valuesFiles: [values('values-dev.yaml')] }));
    const kind = parse(readFileSync(join(repoRoot(), 'kind-config.yaml'), 'utf8')) as {
      nodes: { extraPortMappings: { containerPort: number; hostPort: number }[] }[];
    };
    const mapped = new Map(kind.nodes.flatMap((n) => n.extraPortMappings).map((m) => [m.containerPort, m.hostPort]));
    for (const [name, hostPort] of [['-ingest', 8080], ['-query', 8081]] as const) {
      const svc = find(objects, 'Service', name).spec as { type: string; ports: { name: string; nodePort?: number }[] };
      expect(svc.type).toBe('NodePort');
      const nodePort = svc.ports.find((p) => p.name === 'http')!.nodePort!;
      expect(mapped.get(nodePort), `${name} nodePort ${nodePort}`).toBe(hostPort);
    }
    const ingest = container(find(objects, 'Deployment', '-ingest'), 'ingest') as Container & { args: string[] };
    expect(ingest.args).toEqual(['--watch', 'services/ingest/src/main.ts']);
  });
});
