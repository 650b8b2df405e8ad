import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventPipelineCrd, type JsonSchemaProps } from '../src/crd/event-pipeline-crd.ts';
import { eventPipelineSpecSchema, parseEventPipelineSpec } from '../src/crd/event-pipeline-spec.ts';
import { sampleEventPipeline } from '../src/crd/sample-event-pipeline.ts';

type Node = Record<string, unknown> & { properties?: Record<string, Node>; items?: Node; required?: string[] };
const COMPARED = ['type', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'enum'] as const;

/** Differences between the CRD's schema and the zod schema's JSON Schema, as "path: what" lines. */
function differences(crd: Node, zod: Node, path: string): string[] {
  const out: string[] = [];
  for (const k of COMPARED) {
    if (JSON.stringify(crd[k]) !== JSON.stringify(zod[k])) out.push(`${path}: ${k} is ${JSON.stringify(crd[k])} in the CRD, ${JSON.stringify(zod[k])} in zod`);
  }
  if (JSON.stringify([...(crd.required ?? [])].sort()) !== JSON.stringify([...(zod.required ?? [])].sort())) out.push(`${path}: required differs`);
  const keys = new Set([...Object.keys(crd.properties ?? {}), ...Object.keys(zod.properties ?? {})]);
  for (const key of keys) {
    const c = crd.properties?.[key];
    const zz = zod.properties?.[key];
    if (c === undefined || zz === undefined) out.push(`${path}.${key}: only in ${c === undefined ? 'zod' : 'the CRD'}`);
    else out.push(...differences(c, zz, `${path}.${key}`));
  }
  if (crd.items !== undefined && zod.items !== undefined) out.push(...differences(crd.items, zod.items, `${path}[]`));
  return out;
}

const specProps = (eventPipelineCrd.spec.versions[0].schema.openAPIV3Schema.properties as Record<string, JsonSchemaProps>).spec!;
const minimal = { stream: { name: 'S', subjects: ['s.>'] }, processor: { deploymentName: 'processor' } };

describe('the EventPipeline CRD', () => {
  it('declares the same fields, bounds and defaults as the zod schema the operator reads with', () => {
    const zodJson = z.toJSONSchema(eventPipelineSpecSchema, { io: 'input' }) as Node;
    expect(differences(specProps as Node, zodJson, 'spec')).toEqual([]);
  });

  it('has a status subresource and the printer columns kubectl shows', () => {
    const v = eventPipelineCrd.spec.versions[0];
    expect(v.subresources).toEqual({ status: {} });
    expect(v.additionalPrinterColumns.map((c) => c.name)).toEqual(['Replicas', 'Desired', 'Lag', 'Ready', 'Age']);
  });

  it('checks across fields with CEL what zod checks with refinements', () => {
    const rules = JSON.stringify(specProps);
    expect(rules).toContain('self.minReplicas <= self.maxReplicas');
    expect(rules).toContain('self.minReplicas >= 1 || self.allowScaleToZero');
    expect(rules).toContain('duration(self.duplicateWindow) <= duration(self.maxAge)');
  });
});

describe('parseEventPipelineSpec', () => {
  it('fills in every default', () => {
    const r = parseEventPipelineSpec(minimal);
    expect(r).toMatchObject({
      ok: true,
      spec: {
        stream: { storage: 'file', replicas: 1, maxAge: '0s', maxBytes: -1, duplicateWindow: '2m' },
        consumer: { durableName: 'processor', ackWait: '60s', maxDeliver: -1, maxAckPending: 2000 },
        autoscaling: { minReplicas: 1, maxReplicas: 10, targetDrainSeconds: 120, allowScaleToZero: false },
        deletionPolicy: 'Retain',
      },
    });
  });

  it('accepts the sample', () => {
    expect(parseEventPipelineSpec(sampleEventPipeline.spec).ok).toBe(true);
  });

  it('names every bad field in one message', () => {
    const r = parseEventPipelineSpec({
      stream: { name: 'has space', subjects: [], maxAge: '1m', duplicateWindow: '2m' },
      processor: { deploymentName: 'Processor' },
      autoscaling: { minReplicas: 5, maxReplicas: 3, pollIntervalSeconds: 0 },
      deletionPolicy: 'Purge',
    });
    expect(r.ok).toBe(false);
    const message = (r as { message: string }).message;
    expect(message).toContain('spec.stream.name: must contain only letters, digits, - and _');
    expect(message).toContain('spec.stream.subjects: Too small');
    expect(message).toContain('spec.processor.deploymentName: must be a Deployment name (DNS-1123 subdomain)');
    expect(message).toContain('spec.autoscaling.pollIntervalSeconds');
    expect(message).toContain('spec.deletionPolicy');
  });

  it('checks the cross-field rules', () => {
    expect(parseEventPipelineSpec({ ...minimal, autoscaling: { minReplicas: 5, maxReplicas: 3 } })).toEqual({
      ok: false,
      message: 'spec.autoscaling.minReplicas: must not exceed maxReplicas (5 > 3)',
    });
    expect(parseEventPipelineSpec({ ...minimal, autoscaling: { minReplicas: 0 } })).toEqual({
      ok: false,
      message: 'spec.autoscaling.minReplicas: may be 0 only with allowScaleToZero: true',
    });
    expect(parseEventPipelineSpec({ ...minimal, stream: { ...minimal.stream, maxAge: '1m', duplicateWindow: '2m' } })).toEqual({
      ok: false,
      message: 'spec.stream.duplicateWindow: must not exceed maxAge (2m > 1m)',
    });
    expect(parseEventPipelineSpec({ ...minimal, consumer: { maxDeliver: 0 } })).toEqual({
      ok: false,
      message: 'spec.consumer.maxDeliver: must be -1 (unlimited) or at least 1',
    });
  });

  it('reports a missing spec without throwing', () => {
    expect(parseEventPipelineSpec(undefined)).toMatchObject({ ok: false });
  });
});
