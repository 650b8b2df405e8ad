import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir, helmTemplate } from '../lib/helm.ts';
import { repoRoot } from '../lib/tools.ts';
import { allContainers, parseManifests, podTemplate, type K8sObject } from './chart-checks.ts';

/**
 * Tilt itself cannot be built here (its module is not served by the Go
 * proxy), so the Tiltfile is checked against what it refers to: the chart as
 * rendered with the development values, the Dockerfile, kind-config.yaml.
 */

const tiltfile = readFileSync(join(repoRoot(), 'Tiltfile'), 'utf8');

/** The argument text of every call of `fn` that starts a statement, parentheses balanced, strings skipped. */
function calls(fn: string): string[] {
  const out: string[] = [];
  for (const m of tiltfile.matchAll(new RegExp(`^[ \\t]*${fn}\\(`, 'gm'))) {
    let depth = 1;
    let quote: string | undefined;
    let i = m.index + m[0].length;
    for (; i < tiltfile.length && depth > 0; i++) {
      const ch = tiltfile[i]!;
      if (quote) {
        if (ch === '\\') i++;
        else if (tiltfile.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = undefined;
        }
      } else if (tiltfile.startsWith("'''", i)) {
        quote = "'''";
        i += 2;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    out.push(tiltfile.slice(m.index + m[0].length, i - 1));
  }
  return out;
}

describe('Tiltfile', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    // As the Tiltfile renders it, in kind's default namespace.
    objects = parseManifests(helmTemplate({ release: 'adstream', namespace: 'default', includeCrds: true, valuesFiles: [join(chartDir(), 'values-dev.yaml')] }));
  });

  it('names workloads and objects that the chart renders', () => {
    const resources = calls('k8s_resource');
    expect(resources).toHaveLength(9);
    for (const r of resources) {
      const workload = /^'([^']+)'/.exec(r.trim())?.[1];
      if (workload) expect(objects.some((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === workload), workload).toBe(true);
      for (const sel of r.match(/(?:'|namespace \+ ')([a-z0-9.-]+:[a-z]+)'/g) ?? []) {
        const [name, kind] = sel.replace(/^namespace \+ '/, 'default').replace(/'/g, '').split(':') as [string, string];
        if (['servicemonitor', 'prometheusrule'].includes(kind)) continue;
        expect(objects.some((o) => o.kind.toLowerCase() === kind && o.metadata.name === name), `${name}:${kind}`).toBe(true);
      }
    }
  });

  it('forwards ports the pods declare', () => {
    for (const r of calls('k8s_resource')) {
      const workload = /^'([^']+)'/.exec(r.trim())?.[1];
      if (!workload) continue;
      const w = objects.find((o) => o.metadata.name === workload && podTemplate(o))!;
      const declared = allContainers(podTemplate(w)!.spec).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
      for (const m of r.matchAll(/port_forward\((\d+), (\d+)/g)) expect(declared, `${workload} → ${m[2]}`).toContain(Number(m[2]));
    }
  });

  it('builds the Dockerfile target the development values run, under the image name they use', () => {
    const build = calls('docker_build')[0]!;
    expect(build).toMatch(/^\s*'adstream',/);
    const target = /target='([^']+)'/.exec(build)![1]!;
    expect(readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8')).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    const dev = parse(readFileSync(join(chartDir(), 'values-dev.yaml'), 'utf8'));
    expect(dev.image.repository).toBe('adstream');
    expect(dev.nodeArgs).toEqual(['--watch']);
    for (const m of build.matchAll(/sync\('([^']+)', '([^']+)'\)/g)) {
      expect(existsSync(join(repoRoot(), m[1]!)), m[1]).toBe(true);
      expect(m[2]).toBe(`/app/${m[1]}`);
    }
  });

  it("creates the development Secrets the values name, with the keys the chart reads", () => {
    const dev = parse(readFileSync(join(chartDir(), 'values-dev.yaml'), 'utf8'));
    expect(tiltfile).toContain(`'metadata': {'name': '${dev.apiKeys.existingSecret}'}`);
    expect(tiltfile).toContain(`'metadata': {'name': '${dev.clickhouse.existingSecret}'}`);
    expect(tiltfile).toContain("'stringData': {'keys.json'");
    expect(tiltfile).toContain("'stringData': {'password': secrets['clickhousePassword'], 'sql-password'");
  });

  it('links to the host ports kind maps, and runs the traffic generator only on demand', () => {
    const kind = parse(readFileSync(join(repoRoot(), 'kind-config.yaml'), 'utf8')) as { nodes: { extraPortMappings: { hostPort: number }[] }[] };
    const hostPorts = kind.nodes.flatMap((n) => n.extraPortMappings.map((m) => m.hostPort));
    for (const m of tiltfile.matchAll(/link\('http:\/\/localhost:(\d+)/g)) expect(hostPorts).toContain(Number(m[1]));
    const traffic = calls('local_resource').find((r) => r.includes("'traffic'"))!;
    expect(traffic).toContain('auto_init=False');
    expect(traffic).toContain('trigger_mode=TRIGGER_MODE_MANUAL');
  });
});
