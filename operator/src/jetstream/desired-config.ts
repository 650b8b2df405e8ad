import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerConfig, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { JETSTREAM_OWNER_KEY } from '../crd/api-group.ts';
import { durationMs } from '../crd/duration.ts';
import type { ConsumerSpec, StreamSpec } from '../crd/event-pipeline-spec.ts';

/**
 * The stream and consumer an EventPipeline declares, in JetStream's terms,
 * and how an existing one differs from it. Project conventions that are not
 * spec fields (see services/shared/src/jetstream-topology.ts): a work-queue
 * stream that refuses new messages when full, so unprocessed events are never
 * dropped, and a consumer with explicit acks.
 */

export interface FieldDiff {
  field: string;
  actual: unknown;
  desired: unknown;
  /** Whether JetStream accepts the change on an existing object. */
  mutable: boolean;
}

export type DesiredStream = Partial<StreamConfig> & { name: string };

export function desiredStream(spec: StreamSpec, ownerUid: string): DesiredStream {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: RetentionPolicy.Workqueue,
    storage: spec.storage === 'memory' ? StorageType.Memory : StorageType.File,
    discard: DiscardPolicy.New,
    num_replicas: spec.replicas,
    max_age: nanos(durationMs(spec.maxAge)),
    max_bytes: spec.maxBytes,
    duplicate_window: nanos(durationMs(spec.duplicateWindow)),
    metadata: { [JETSTREAM_OWNER_KEY]: ownerUid },
  };
}

export function desiredConsumer(spec: ConsumerSpec, ownerUid: string): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durableName,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(durationMs(spec.ackWait)),
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
    ...(spec.filterSubject === undefined ? {} : { filter_subject: spec.filterSubject }),
    metadata: { [JETSTREAM_OWNER_KEY]: ownerUid },
  };
}

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Fields of the declared stream that the existing one does not match. */
export function diffStream(actual: StreamConfig, desired: DesiredStream): FieldDiff[] {
  const out: FieldDiff[] = [];
  const check = (field: keyof StreamConfig, mutable: boolean) => {
    if (actual[field] !== desired[field]) out.push({ field, actual: actual[field], desired: desired[field], mutable });
  };
  if (!sameSet(actual.subjects, desired.subjects)) out.push({ field: 'subjects', actual: actual.subjects, desired: desired.subjects, mutable: true });
  check('storage', false);
  check('retention', false);
  check('discard', true);
  check('num_replicas', true);
  check('max_age', true);
  check('max_bytes', true);
  check('duplicate_window', true);
  return out;
}

/** Fields of the declared consumer that the existing one does not match; an unset filterSubject is not managed. */
export function diffConsumer(actual: ConsumerConfig, desired: Partial<ConsumerConfig>): FieldDiff[] {
  const out: FieldDiff[] = [];
  const check = (field: keyof ConsumerConfig, mutable: boolean) => {
    if (!(field in desired)) return;
    const a = actual[field] ?? '';
    const d = desired[field] ?? '';
    if (a !== d) out.push({ field, actual: actual[field], desired: desired[field], mutable });
  };
  check('ack_policy', false);
  check('ack_wait', true);
  check('max_deliver', true);
  check('max_ack_pending', true);
  check('filter_subject', true);
  return out;
}

/** The mutable differences as an update: field → desired value. */
export function updateOf(diffs: readonly FieldDiff[]): Record<string, unknown> {
  return Object.fromEntries(diffs.filter((d) => d.mutable).map((d) => [d.field, d.desired]));
}

export function describeDiff(object: string, d: FieldDiff): string {
  return `${object}: ${d.field} is ${JSON.stringify(d.actual)}, the spec asks for ${JSON.stringify(d.desired)}`;
}
