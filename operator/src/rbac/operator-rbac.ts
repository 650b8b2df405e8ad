import { API_CALLS, type ApiCall, type Verb } from '../kube/api-calls.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: Verb[];
  resourceNames?: string[];
}

export interface RbacOptions {
  /** Where the operator runs: its ServiceAccount and Lease live here. */
  namespace: string;
  serviceAccount: string;
  /** Names the ClusterRole, Role and bindings. */
  name: string;
  leaseName: string;
}

// Kubernetes cannot restrict these verbs to named objects.
const UNNAMEABLE: ReadonlySet<Verb> = new Set(['create', 'list', 'watch']);
const VERB_ORDER: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * RBAC rules granting exactly the calls in `calls`: one rule per resource
 * (subresources count as their own resource), verbs as used. With
 * `resourceNames`, verbs that can be limited to named objects are.
 */
export function rulesFor(calls: readonly ApiCall[], resourceNames?: string[]): PolicyRule[] {
  const byResource = new Map<string, { group: string; resource: string; verbs: Set<Verb> }>();
  for (const c of calls) {
    const resource = c.subresource === undefined ? c.resource : `${c.resource}/${c.subresource}`;
    const key = `${c.group}|${resource}`;
    const entry = byResource.get(key) ?? { group: c.group, resource, verbs: new Set<Verb>() };
    entry.verbs.add(c.verb);
    byResource.set(key, entry);
  }
  const rules: PolicyRule[] = [];
  const sorted = (verbs: Iterable<Verb>) => VERB_ORDER.filter((v) => [...verbs].includes(v));
  for (const { group, resource, verbs } of [...byResource.values()].sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`))) {
    if (resourceNames === undefined) {
      rules.push({ apiGroups: [group], resources: [resource], verbs: sorted(verbs) });
      continue;
    }
    const open = sorted([...verbs].filter((v) => UNNAMEABLE.has(v)));
    const named = sorted([...verbs].filter((v) => !UNNAMEABLE.has(v)));
    if (open.length > 0) rules.push({ apiGroups: [group], resources: [resource], verbs: open });
    if (named.length > 0) rules.push({ apiGroups: [group], resources: [resource], verbs: named, resourceNames });
  }
  return rules;
}

const callsIn = (scope: ApiCall['scope']) => Object.values(API_CALLS).filter((c: ApiCall) => c.scope === scope);

/**
 * The operator's ServiceAccount and permissions, derived from API_CALLS: a
 * ClusterRole for what it does wherever EventPipelines live, a Role for the
 * leader-election Lease in its own namespace (get/update on that Lease only).
 */
export function operatorRbac(o: RbacOptions): object[] {
  const subject = { kind: 'ServiceAccount', name: o.serviceAccount, namespace: o.namespace };
  const labels = { 'app.kubernetes.io/name': 'adstream-operator', 'app.kubernetes.io/part-of': 'adstream' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: o.serviceAccount, namespace: o.namespace, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: o.name, labels }, rules: rulesFor(callsIn('watched')) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: o.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: o.name },
      subjects: [subject],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: o.name, namespace: o.namespace, labels }, rules: rulesFor(callsIn('own'), [o.leaseName]) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: o.name, namespace: o.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
      subjects: [subject],
    },
  ];
}
