import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir, helmTemplate } from '../lib/helm.ts';
import { repoRoot } from '../lib/tools.ts';
import { renderChartFiles, staleChartFiles } from '../render-chart-files.ts';
import { parseManifests, type K8sObject } from './chart-checks.ts';

describe('chart files rendered from other sources (npm run render:chart)', () => {
  const rendered = renderChartFiles();

  it.each([...rendered.keys()])('charts/adstream/%s matches its source', (path) => {
    const onDisk = readFileSync(join(chartDir(), path), 'utf8');
    // A plain equality: the diff vitest prints shows what drifted.
    expect(onDisk, `charts/adstream/${path} differs from its source; run \`npm run render:chart\``).toBe(rendered.get(path));
  });

  it('leaves no copy whose source is gone', () => {
    expect(staleChartFiles(rendered)).toEqual([]);
  });

  it('copies every dashboard and the alert rules, but not the rules tests', () => {
    const paths = [...rendered.keys()];
    expect(paths.filter((p) => p.startsWith('files/dashboards/')).length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('files/prometheus/'))).toEqual(['files/prometheus/adstream-rules.yaml']);
  });

  it('ships the CRD that the operator exports', () => {
    const crd = parse(rendered.get('crds/eventpipeline.yaml')!);
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.metadata.name).toBe('eventpipelines.adstream.io');
  });
});

describe('operator RBAC in the chart', () => {
  it("grants get and update on the release's own Lease only", () => {
    const objects = parseManifests(helmTemplate({ release: 'shop' }));
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'shop-adstream-operator') as K8sObject & { rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    const named = role.rules.filter((r) => r.resourceNames);
    expect(named).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['shop-adstream-operator'] }]);
    const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-adstream-operator') as K8sObject & { data: Record<string, string> };
    expect(env.data.LEASE_NAME).toBe('shop-adstream-operator');
  });

  it('gives the operator the same cluster-wide rules as the plain manifests in k8s/', () => {
    const objects = parseManifests(helmTemplate({}));
    const plain = parseManifests(readFileSync(join(repoRoot(), 'k8s/rbac.yaml'), 'utf8'));
    const rules = (set: K8sObject[]) => (set.find((o) => o.kind === 'ClusterRole') as K8sObject & { rules: unknown[] }).rules;
    expect(rules(objects)).toEqual(rules(plain));
  });
});

describe('k8s/ and the chart', () => {
  it('hold the same CRD', () => {
    const plain = parseManifests(readFileSync(join(repoRoot(), 'k8s/crd.yaml'), 'utf8'));
    const chart = parseManifests(readFileSync(join(chartDir(), 'crds/eventpipeline.yaml'), 'utf8'));
    expect(chart).toEqual(plain);
  });

  it("render the sample EventPipeline's stream, consumer and processor for a release named adstream", () => {
    const sample = parseManifests(readFileSync(join(repoRoot(), 'k8s/sample-eventpipeline.yaml'), 'utf8'))[0]!;
    const chart = parseManifests(helmTemplate({ release: 'adstream' })).find((o) => o.kind === 'EventPipeline')!;
    const pick = (o: K8sObject) => {
      const spec = o.spec as { stream: Record<string, unknown>; consumer: Record<string, unknown>; processor: unknown };
      return {
        stream: { name: spec.stream.name, subjects: spec.stream.subjects, storage: spec.stream.storage, replicas: spec.stream.replicas },
        consumer: { durableName: spec.consumer.durableName, filterSubject: spec.consumer.filterSubject, maxAckPending: spec.consumer.maxAckPending },
        processor: spec.processor,
      };
    };
    expect(pick(chart)).toEqual(pick(sample));
  });
});
