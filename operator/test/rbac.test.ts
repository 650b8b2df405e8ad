import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_CALLS, type ApiCall } from '../src/kube/api-calls.ts';
import { DEFAULT_RBAC } from '../src/manifests/render-manifests.ts';
import { operatorRbac, type PolicyRule } from '../src/rbac/operator-rbac.ts';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const sources = (function walk(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [{ path: relative(srcDir, p), text: readFileSync(p, 'utf8') }] : [];
  });
})(srcDir);

const rbac = operatorRbac(DEFAULT_RBAC) as { kind: string; rules?: PolicyRule[] }[];
const rulesOf = (kind: string) => rbac.find((o) => o.kind === kind)!.rules!;
const resourceOf = (c: ApiCall) => (c.subresource === undefined ? c.resource : `${c.resource}/${c.subresource}`);
const allows = (rules: PolicyRule[], c: ApiCall) => rules.some((r) => r.apiGroups.includes(c.group) && r.resources.includes(resourceOf(c)) && r.verbs.includes(c.verb));

describe('RBAC', () => {
  it('every request in the code is one of API_CALLS', () => {
    const used = new Set<string>();
    for (const { text } of sources) for (const m of text.matchAll(/\.call(?:<[^>]*(?:<[^>]*>[^>]*)*>)?\(\s*'(\w+)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(API_CALLS)).toContain(name);
  });

  it('every entry of API_CALLS is used, so no permission is granted for nothing', () => {
    const rest = sources.filter((s) => s.path !== join('kube', 'api-calls.ts')).map((s) => s.text).join('\n');
    for (const name of Object.keys(API_CALLS)) expect(rest, name).toMatch(new RegExp(`'${name}'|API_CALLS\\.${name}\\b`));
  });

  it('nothing reaches the API server around the KubeClient', () => {
    // kube-client.ts sends the requests; api-calls.ts builds their paths.
    const transport = [join('kube', 'kube-client.ts'), join('kube', 'api-calls.ts')];
    for (const { path, text } of sources) {
      if (transport.includes(path)) continue;
      expect(text, path).not.toMatch(/\bfetch\(|makeApiClient|RequestContext|IsomorphicFetchHttpLibrary|['"`]\/apis?\//);
      for (const m of text.matchAll(/import\s+\{([^}]*)\}\s+from\s+'@kubernetes\/client-node'/g)) {
        const names = m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, ''));
        for (const n of names) expect(['KubeConfig', 'makeInformer', 'KubernetesListObject', 'KubernetesObject'], `${path} imports ${n}`).toContain(n);
      }
    }
  });

  it('grants each call in the ClusterRole or, for the Lease, the Role', () => {
    for (const [name, call] of Object.entries(API_CALLS) as [string, ApiCall][]) {
      expect(allows(rulesOf(call.scope === 'own' ? 'Role' : 'ClusterRole'), call), name).toBe(true);
    }
  });

  it('grants nothing beyond the calls', () => {
    for (const [kind, scope] of [['ClusterRole', 'watched'], ['Role', 'own']] as const) {
      for (const rule of rulesOf(kind)) {
        for (const group of rule.apiGroups) {
          for (const resource of rule.resources) {
            for (const verb of rule.verbs) {
              const justified = Object.values(API_CALLS).some((c: ApiCall) => c.scope === scope && c.group === group && resourceOf(c) === resource && c.verb === verb);
              expect(justified, `${kind}: ${verb} ${group}/${resource}`).toBe(true);
            }
          }
        }
      }
    }
  });

  it('limits get and update of the Lease to the operator\'s own Lease', () => {
    expect(rulesOf('Role')).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['adstream-operator'] },
    ]);
  });
});
