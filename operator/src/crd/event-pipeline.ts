import { EVENT_PIPELINE_API_VERSION, EVENT_PIPELINE_KIND } from './api-group.ts';

export type ConditionType = 'Ready' | 'Scaling' | 'Degraded';

/** metav1.Condition, as the status subresource stores it. */
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface EventPipelineStatus {
  observedGeneration?: number;
  /** Messages not yet acknowledged: pending (not yet delivered) + ackPending (delivered, in flight). */
  lag?: number;
  pending?: number;
  ackPending?: number;
  /** Messages per second arriving in the stream, over the rate window. */
  arrivalRate?: number;
  /** Messages per second one processor replica acknowledges while it has backlog to work on. */
  perReplicaRate?: number;
  perReplicaRateSource?: 'measured' | 'previous' | 'fallback';
  desiredReplicas?: number;
  currentReplicas?: number;
  lastScaleTime?: string;
  lastScaleReason?: string;
  /** Whether this EventPipeline created the stream / consumer, and so may delete them under deletionPolicy: Delete. */
  streamOwned?: boolean;
  consumerOwned?: boolean;
  conditions?: Condition[];
}

export interface EventPipelineMetadata {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  resourceVersion: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** An EventPipeline as read from the API server; spec is unvalidated until parseEventPipelineSpec. */
export interface EventPipeline {
  apiVersion: typeof EVENT_PIPELINE_API_VERSION;
  kind: typeof EVENT_PIPELINE_KIND;
  metadata: EventPipelineMetadata;
  spec: unknown;
  status?: EventPipelineStatus;
}

export const pipelineKey = (p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`;
