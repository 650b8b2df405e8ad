import { parseAllDocuments } from 'yaml';

/**
 * Consistency checks over a set of rendered Kubernetes objects: what the API
 * server cannot see on its own (a Service selecting no pod, a probe on an
 * undeclared port, a Secret that does not exist) or only sees too late, at
 * pod start. Each problem is a sentence naming the object and the field.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

type Obj = Record<string, unknown>;

/** Every non-empty YAML document of a `helm template` output. */
export function parseManifests(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML in rendered output: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null) out.push(value);
  }
  return out;
}

/** The API version each kind the chart renders must use (current, non-deprecated). */
export const API_VERSIONS: Readonly<Record<string, string>> = {
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  Job: 'batch/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  EventPipeline: 'adstream.io/v1alpha1',
  ServiceMonitor: 'monitoring.coreos.com/v1',
  PrometheusRule: 'monitoring.coreos.com/v1',
};

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: unknown } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Obj;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface KeyRef {
  name: string;
  key: string;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
  securityContext?: Obj;
  imagePullSecrets?: { name: string }[];
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export function podTemplate(o: K8sObject): PodTemplate | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  return (o.spec as { template: PodTemplate }).template;
}

export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** The tag of an image reference (registry ports and digests aside), if it names one. */
export function imageTag(image: string): string | undefined {
  const name = image.slice(image.lastIndexOf('/') + 1).split('@')[0]!;
  const colon = name.indexOf(':');
  return colon < 0 || colon === name.length - 1 ? undefined : name.slice(colon + 1);
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

interface ExpressionSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
function selects(selector: ExpressionSelector, labels: Record<string, string> = {}): boolean {
  if (selector.matchLabels && !Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values!.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export interface CheckOptions {
  /** Secrets the values name as existing outside the chart (existingSecret). */
  externalSecrets?: readonly string[];
  /** false for development values, where live update needs a writable root filesystem. */
  readOnlyRoot?: boolean;
}

/** Every problem found; empty when the set is consistent. */
export function checkManifests(objects: readonly K8sObject[], opts: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const id = (o: K8sObject) => `${o.kind}/${o.metadata?.name}`;
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const seen = new Set<string>();

  for (const o of objects) {
    if (!o.kind || !o.apiVersion || !o.metadata?.name) {
      problems.push(`an object lacks kind, apiVersion or metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
      continue;
    }
    const want = API_VERSIONS[o.kind];
    if (want === undefined) problems.push(`${id(o)}: kind not expected in this chart`);
    else if (o.apiVersion !== want) problems.push(`${id(o)}: apiVersion ${o.apiVersion}, expected ${want}`);
    if (seen.has(id(o))) problems.push(`${id(o)}: rendered twice`);
    seen.add(id(o));
  }

  const pods = objects.flatMap((o) => {
    const t = podTemplate(o);
    return t ? [{ owner: o, template: t }] : [];
  });

  const secretKeys = (name: string): Set<string> | 'external' | undefined => {
    if (opts.externalSecrets?.includes(name)) return 'external';
    const s = named('Secret', name) as (K8sObject & { data?: Obj; stringData?: Obj }) | undefined;
    return s ? new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]) : undefined;
  };
  const checkSecret = (where: string, name: string, key?: string) => {
    const keys = secretKeys(name);
    if (keys === undefined) problems.push(`${where}: Secret ${name} is not rendered and not named as existing`);
    else if (key !== undefined && keys !== 'external' && !keys.has(key)) problems.push(`${where}: Secret ${name} has no key ${key}`);
  };
  const checkConfigMap = (where: string, name: string, key?: string) => {
    const cm = named('ConfigMap', name) as (K8sObject & { data?: Obj }) | undefined;
    if (!cm) problems.push(`${where}: ConfigMap ${name} is not rendered`);
    else if (key !== undefined && !(key in (cm.data ?? {}))) problems.push(`${where}: ConfigMap ${name} has no key ${key}`);
  };

  for (const { owner, template } of pods) {
    const where = id(owner);
    const spec = owner.spec as { selector?: { matchLabels?: Record<string, string> }; replicas?: number; serviceName?: string };
    if (owner.kind !== 'Job') {
      if (!spec.selector?.matchLabels || !matches(spec.selector.matchLabels, template.metadata.labels)) {
        problems.push(`${where}: spec.selector.matchLabels do not match the pod template's labels`);
      }
    }
    if (owner.kind === 'StatefulSet') {
      const svc = named('Service', spec.serviceName ?? '') as (K8sObject & { spec: { clusterIP?: string } }) | undefined;
      if (!svc) problems.push(`${where}: serviceName ${spec.serviceName} is not a rendered Service`);
      else if (svc.spec.clusterIP !== 'None') problems.push(`${where}: serviceName ${spec.serviceName} is not headless`);
    }
    const pod = template.spec;
    if (pod.serviceAccountName && !named('ServiceAccount', pod.serviceAccountName)) {
      problems.push(`${where}: serviceAccountName ${pod.serviceAccountName} is not rendered`);
    }
    for (const s of pod.imagePullSecrets ?? []) checkSecret(`${where} imagePullSecrets`, s.name);
    for (const v of pod.volumes ?? []) {
      if (v.secret) checkSecret(`${where} volume ${v.name}`, v.secret.secretName);
      if (v.configMap) checkConfigMap(`${where} volume ${v.name}`, v.configMap.name);
    }
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) problems.push(`${where}: pod securityContext.runAsNonRoot is not true`);
    if ((psc.seccompProfile as Obj | undefined)?.type !== 'RuntimeDefault') problems.push(`${where}: pod seccompProfile is not RuntimeDefault`);
    const volumeNames = new Set((pod.volumes ?? []).map((v) => v.name));
    const claimNames = new Set(((owner.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((c) => c.metadata.name));

    for (const c of allContainers(pod)) {
      const cw = `${where} container ${c.name}`;
      const tag = imageTag(c.image ?? '');
      if (tag === undefined) problems.push(`${cw}: image ${c.image} has no explicit tag`);
      else if (tag === 'latest') problems.push(`${cw}: image ${c.image} uses latest`);
      const r = c.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory) problems.push(`${cw}: resources.requests.cpu and .memory must be set`);
      if (!r.limits?.memory) problems.push(`${cw}: resources.limits.memory must be set`);
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${cw}: allowPrivilegeEscalation is not false`);
      if (!((sc.capabilities as { drop?: string[] } | undefined)?.drop ?? []).includes('ALL')) problems.push(`${cw}: capabilities do not drop ALL`);
      if ((opts.readOnlyRoot ?? true) && sc.readOnlyRootFilesystem !== true) problems.push(`${cw}: readOnlyRootFilesystem is not true`);
      const portNames = new Set((c.ports ?? []).flatMap((p) => (p.name ? [p.name] : [])));
      const portNumbers = new Set((c.ports ?? []).map((p) => p.containerPort));
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
        const probe = c[kind];
        if (!probe) continue;
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
        if (port === undefined) problems.push(`${cw}: ${kind} has no httpGet or tcpSocket port`);
        else if (typeof port === 'string' ? !portNames.has(port) : !portNumbers.has(port)) {
          problems.push(`${cw}: ${kind} points at port ${port}, which the container does not declare`);
        }
      }
      if (c.name !== 'migrate' && owner.kind !== 'Job' && !c.readinessProbe) problems.push(`${cw}: no readinessProbe`);
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) checkSecret(`${cw} env ${e.name}`, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
        if (e.valueFrom?.configMapKeyRef) checkConfigMap(`${cw} env ${e.name}`, e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
      }
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef) checkConfigMap(`${cw} envFrom`, f.configMapRef.name);
        if (f.secretRef) checkSecret(`${cw} envFrom`, f.secretRef.name);
      }
      for (const m of c.volumeMounts ?? []) {
        if (!volumeNames.has(m.name) && !claimNames.has(m.name)) problems.push(`${cw}: volumeMount ${m.name} has no volume`);
      }
    }
  }

  for (const svc of byKind('Service')) {
    const spec = svc.spec as { selector?: Record<string, string>; ports: { name?: string; targetPort?: number | string }[] };
    const targets = pods.filter((p) => spec.selector && matches(spec.selector, p.template.metadata.labels));
    if (targets.length === 0) {
      problems.push(`${id(svc)}: selector matches no pod template`);
      continue;
    }
    for (const port of spec.ports) {
      const t = port.targetPort;
      if (typeof t !== 'string') continue;
      const declared = targets.every((p) => allContainers(p.template.spec).some((c) => (c.ports ?? []).some((cp) => cp.name === t)));
      if (!declared) problems.push(`${id(svc)}: targetPort ${t} is not a named port of the selected pods`);
    }
  }

  for (const pdb of byKind('PodDisruptionBudget')) {
    const sel = (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    if (!pods.some((p) => p.owner.kind !== 'Job' && matches(sel, p.template.metadata.labels))) problems.push(`${id(pdb)}: selector matches no workload`);
  }

  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const ref = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
    const target = named(ref.kind, ref.name);
    if (!target) problems.push(`${id(hpa)}: scaleTargetRef ${ref.kind}/${ref.name} is not rendered`);
    else if ((target.spec as { replicas?: number }).replicas !== undefined) {
      problems.push(`${id(hpa)}: ${ref.kind}/${ref.name} sets spec.replicas, which every upgrade would reset under the HPA`);
    }
  }

  for (const b of [...byKind('RoleBinding'), ...byKind('ClusterRoleBinding')]) {
    const roleRef = b.roleRef as { kind: string; name: string };
    if (!named(roleRef.kind, roleRef.name)) problems.push(`${id(b)}: roleRef ${roleRef.kind}/${roleRef.name} is not rendered`);
    for (const s of (b.subjects as { kind: string; name: string }[]) ?? []) {
      if (s.kind === 'ServiceAccount' && !named('ServiceAccount', s.name)) problems.push(`${id(b)}: subject ServiceAccount ${s.name} is not rendered`);
    }
  }

  for (const sm of byKind('ServiceMonitor')) {
    const spec = sm.spec as { selector: ExpressionSelector; endpoints: { port: string }[] };
    const services = byKind('Service').filter((s) => selects(spec.selector, s.metadata.labels));
    for (const e of spec.endpoints) {
      if (!services.some((s) => (s.spec as { ports: { name?: string }[] }).ports.some((p) => p.name === e.port))) {
        problems.push(`${id(sm)}: no selected Service has a port named ${e.port}`);
      }
    }
  }
  return problems;
}
