import { z } from 'zod';
import { DURATION_PATTERN, durationMs } from './duration.ts';

/**
 * The EventPipeline spec as the operator reads it. The CRD's OpenAPI schema
 * (event-pipeline-crd.ts) declares the same fields, bounds and defaults so the
 * API server refuses bad objects up front; this schema is the second line:
 * an object stored before a CRD change, or written with validation bypassed,
 * becomes a Degraded condition naming the field instead of a crash.
 */

export const JETSTREAM_NAME_PATTERN = '^[A-Za-z0-9_-]+$';
export const SUBJECT_PATTERN = '^(([A-Za-z0-9_$-]+|\\*)\\.)*([A-Za-z0-9_$-]+|\\*|>)$';
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const jetstreamName = z.string().min(1).max(128).regex(new RegExp(JETSTREAM_NAME_PATTERN), 'must contain only letters, digits, - and _');
const subject = z.string().max(255).regex(new RegExp(SUBJECT_PATTERN), 'must be a NATS subject: dot-separated tokens, * or a final >');
const duration = (fallback: string) =>
  z.string().max(32).regex(new RegExp(DURATION_PATTERN), 'must be a duration such as 500ms, 30s, 2m or 1h30m').default(fallback);
const int = (fallback: number, min: number, max: number) => z.int().min(min).max(max).default(fallback);

export const streamSpecSchema = z
  .object({
    name: jetstreamName,
    subjects: z.array(subject).min(1).max(32),
    storage: z.enum(['file', 'memory']).default('file'),
    replicas: int(1, 1, 5),
    maxAge: duration('0s'),
    maxBytes: int(-1, -1, Number.MAX_SAFE_INTEGER),
    duplicateWindow: duration('2m'),
  })
  .superRefine((s, ctx) => {
    const maxAge = durationMs(s.maxAge);
    if (maxAge > 0 && durationMs(s.duplicateWindow) > maxAge) {
      ctx.addIssue({ code: 'custom', path: ['duplicateWindow'], message: `must not exceed maxAge (${s.duplicateWindow} > ${s.maxAge})` });
    }
  });

export const consumerSpecSchema = z.object({
  durableName: jetstreamName.default('processor'),
  filterSubject: subject.optional(),
  ackWait: duration('60s'),
  maxDeliver: z.int().min(-1).max(1_000_000).refine((n) => n !== 0, 'must be -1 (unlimited) or at least 1').default(-1),
  maxAckPending: int(2_000, 1, 1_000_000),
});

export const processorSpecSchema = z.object({
  deploymentName: z.string().min(1).max(253).regex(new RegExp(DNS_SUBDOMAIN_PATTERN), 'must be a Deployment name (DNS-1123 subdomain)'),
});

export const autoscalingSpecSchema = z
  .object({
    minReplicas: int(1, 0, 1_000),
    maxReplicas: int(10, 1, 1_000),
    targetDrainSeconds: int(120, 10, 86_400),
    lagPerReplicaFallback: int(5_000, 1, 1_000_000_000),
    rateWindowSeconds: int(60, 10, 3_600),
    scaleUpStabilizationSeconds: int(10, 0, 3_600),
    scaleDownStabilizationSeconds: int(120, 0, 3_600),
    maxStepUp: int(10, 1, 1_000),
    maxStepDown: int(10, 1, 1_000),
    pollIntervalSeconds: int(5, 1, 300),
    allowScaleToZero: z.boolean().default(false),
  })
  .superRefine((a, ctx) => {
    if (a.minReplicas > a.maxReplicas) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `must not exceed maxReplicas (${a.minReplicas} > ${a.maxReplicas})` });
    }
    if (a.minReplicas === 0 && !a.allowScaleToZero) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: 'may be 0 only with allowScaleToZero: true' });
    }
  });

/**
 * What an EventPipeline without spec.autoscaling gets. Spelled out (not {})
 * because the API server checks a default against the object's CEL rules
 * before applying the nested defaults.
 */
export const AUTOSCALING_DEFAULTS: Readonly<z.output<typeof autoscalingSpecSchema>> = Object.freeze(autoscalingSpecSchema.parse({}));

export const DELETION_POLICIES = ['Retain', 'Delete'] as const;

export const eventPipelineSpecSchema = z.object({
  stream: streamSpecSchema,
  consumer: consumerSpecSchema.prefault({}),
  processor: processorSpecSchema,
  autoscaling: autoscalingSpecSchema.default(() => ({ ...AUTOSCALING_DEFAULTS })),
  deletionPolicy: z.enum(DELETION_POLICIES).default('Retain'),
});

export type EventPipelineSpec = z.output<typeof eventPipelineSpecSchema>;
export type StreamSpec = EventPipelineSpec['stream'];
export type ConsumerSpec = EventPipelineSpec['consumer'];
export type AutoscalingSpec = EventPipelineSpec['autoscaling'];

export type SpecParseResult = { ok: true; spec: EventPipelineSpec } | { ok: false; message: string };

/** Validates a stored spec; the message names every offending field as spec.<path>. */
export function parseEventPipelineSpec(raw: unknown): SpecParseResult {
  const result = eventPipelineSpecSchema.safeParse(raw);
  if (result.success) return { ok: true, spec: result.data };
  const message = result.error.issues
    .map((i) => `${['spec', ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
  return { ok: false, message };
}
