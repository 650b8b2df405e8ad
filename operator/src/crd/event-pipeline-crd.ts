import { API_GROUP, API_VERSION, EVENT_PIPELINE_KIND, EVENT_PIPELINE_PLURAL } from './api-group.ts';
import { DURATION_PATTERN } from './duration.ts';
import { AUTOSCALING_DEFAULTS, DELETION_POLICIES, DNS_SUBDOMAIN_PATTERN, JETSTREAM_NAME_PATTERN, SUBJECT_PATTERN } from './event-pipeline-spec.ts';

/** A structural OpenAPI v3 schema node, as apiextensions.k8s.io/v1 accepts it. */
export interface JsonSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  enum?: readonly unknown[];
  required?: readonly string[];
  properties?: Record<string, JsonSchemaProps>;
  items?: JsonSchemaProps;
  'x-kubernetes-validations'?: readonly { rule: string; message?: string; messageExpression?: string; fieldPath?: string; reason?: string }[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: readonly string[];
}

const object = (description: string, properties: Record<string, JsonSchemaProps>, extra: Partial<JsonSchemaProps> = {}): JsonSchemaProps => ({
  type: 'object',
  description,
  properties,
  ...extra,
});
const int = (description: string, fallback: number, minimum: number, maximum: number): JsonSchemaProps => ({
  type: 'integer',
  format: 'int64',
  description,
  default: fallback,
  minimum,
  maximum,
});
const duration = (description: string, fallback: string): JsonSchemaProps => ({
  type: 'string',
  description: `${description} Go duration: 500ms, 30s, 2m, 1h30m.`,
  default: fallback,
  maxLength: 32,
  pattern: DURATION_PATTERN,
});
const jetstreamName = (description: string, fallback?: string): JsonSchemaProps => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 128,
  pattern: JETSTREAM_NAME_PATTERN,
  ...(fallback === undefined ? {} : { default: fallback }),
});
const subject = (description: string): JsonSchemaProps => ({ type: 'string', description, maxLength: 255, pattern: SUBJECT_PATTERN });
const statusNumber = (description: string): JsonSchemaProps => ({ type: 'number', description });
const statusInt = (description: string): JsonSchemaProps => ({ type: 'integer', format: 'int64', description });

const streamSchema = object(
  'The JetStream stream the pipeline reads from. The operator creates it, updates what JetStream lets change, and reports the rest in the Degraded condition.',
  {
    name: jetstreamName('Stream name. Cannot change once set.'),
    subjects: { type: 'array', description: 'Subjects the stream captures.', minItems: 1, maxItems: 32, items: subject('A subject, with * and a final > as wildcards.') },
    storage: { type: 'string', description: 'file (survives restarts) or memory. JetStream cannot change it on an existing stream.', enum: ['file', 'memory'], default: 'file' },
    replicas: int('Copies of the stream in a NATS cluster.', 1, 1, 5),
    maxAge: duration('Oldest message kept; 0s keeps messages until acknowledged.', '0s'),
    maxBytes: int('Stream size limit in bytes; -1 for none. A full stream refuses new messages.', -1, -1, Number.MAX_SAFE_INTEGER),
    duplicateWindow: duration('How long JetStream remembers message ids to drop duplicate publishes.', '2m'),
  },
  {
    required: ['name', 'subjects'],
    'x-kubernetes-validations': [
      { rule: 'self.name == oldSelf.name', message: 'stream.name cannot change; create a new EventPipeline for another stream', fieldPath: '.name' },
      {
        rule: "duration(self.maxAge) == duration('0s') || duration(self.duplicateWindow) <= duration(self.maxAge)",
        message: 'stream.duplicateWindow must not exceed stream.maxAge',
        fieldPath: '.duplicateWindow',
      },
    ],
  },
);

const consumerSchema = object(
  'The durable pull consumer the processor replicas share (explicit acks).',
  {
    durableName: jetstreamName('Durable consumer name.', 'processor'),
    filterSubject: subject('Only messages on this subject reach the consumer; all of the stream when unset.'),
    ackWait: duration('How long a delivered message may stay unacknowledged before redelivery.', '60s'),
    maxDeliver: {
      type: 'integer',
      format: 'int64',
      description: 'Deliveries per message before JetStream gives up on it; -1 for unlimited.',
      default: -1,
      minimum: -1,
      maximum: 1_000_000,
      'x-kubernetes-validations': [{ rule: 'self != 0', message: 'maxDeliver must be -1 (unlimited) or at least 1' }],
    },
    maxAckPending: int('Messages delivered but not yet acknowledged, across all replicas.', 2_000, 1, 1_000_000),
  },
  { default: {} },
);

const processorSchema = object(
  'The processor Deployment whose scale subresource the operator sets.',
  { deploymentName: { type: 'string', description: 'Name of the Deployment in the EventPipeline\'s namespace.', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN } },
  { required: ['deploymentName'] },
);

const autoscalingSchema = object(
  'Lag-driven autoscaling of the processor Deployment.',
  {
    minReplicas: int('Fewest replicas. 0 only with allowScaleToZero.', 1, 0, 1_000),
    maxReplicas: int('Most replicas.', 10, 1, 1_000),
    targetDrainSeconds: int('A backlog is to be worked off within this many seconds of its appearance, while keeping up with arrivals.', 120, 10, 86_400),
    lagPerReplicaFallback: int('Lag one replica is given while no processing rate has been measured yet.', 5_000, 1, 1_000_000_000),
    rateWindowSeconds: int('Span of lag samples the arrival and processing rates are estimated over.', 60, 10, 3_600),
    scaleUpStabilizationSeconds: int('Scale up only to the lowest recommendation of this window (ignores short spikes).', 10, 0, 3_600),
    scaleDownStabilizationSeconds: int('Scale down only to the highest recommendation of this window (no flapping).', 120, 0, 3_600),
    maxStepUp: int('Most replicas added by one decision.', 10, 1, 1_000),
    maxStepDown: int('Most replicas removed by one decision.', 10, 1, 1_000),
    pollIntervalSeconds: int('Seconds between lag readings and decisions.', 5, 1, 300),
    allowScaleToZero: { type: 'boolean', description: 'Allow minReplicas: 0; without it the Deployment never goes below one replica.', default: false },
  },
  {
    default: { ...AUTOSCALING_DEFAULTS },
    'x-kubernetes-validations': [
      { rule: 'self.minReplicas <= self.maxReplicas', message: 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas', fieldPath: '.minReplicas' },
      { rule: 'self.minReplicas >= 1 || self.allowScaleToZero', message: 'autoscaling.minReplicas may be 0 only with allowScaleToZero: true', fieldPath: '.minReplicas' },
    ],
  },
);

const specSchema = object(
  'Desired state: the JetStream stream and consumer, the processor Deployment and how it scales.',
  {
    stream: streamSchema,
    consumer: consumerSchema,
    processor: processorSchema,
    autoscaling: autoscalingSchema,
    deletionPolicy: {
      type: 'string',
      description:
        'What deleting the EventPipeline does to JetStream. Retain keeps stream and consumer. Delete removes those this EventPipeline created (never ones it found existing).',
      enum: DELETION_POLICIES,
      default: 'Retain',
    },
  },
  { required: ['stream', 'processor'] },
);

const conditionSchema = object(
  'metav1.Condition',
  {
    type: { type: 'string', maxLength: 316 },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string', maxLength: 1024 },
    message: { type: 'string', maxLength: 32_768 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  },
  { required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'] },
);

const statusSchema = object('Observed state, written by the operator.', {
  observedGeneration: statusInt('The metadata.generation this status describes.'),
  lag: statusInt('Messages not yet acknowledged (pending + ackPending).'),
  pending: statusInt('Messages not yet delivered to any replica.'),
  ackPending: statusInt('Messages delivered and awaiting acknowledgement.'),
  arrivalRate: statusNumber('Messages per second arriving.'),
  perReplicaRate: statusNumber('Messages per second one replica acknowledges when busy.'),
  perReplicaRateSource: { type: 'string', enum: ['measured', 'previous', 'fallback'], description: 'Where perReplicaRate came from.' },
  desiredReplicas: statusInt('Replicas the last decision asked for.'),
  currentReplicas: statusInt('Replicas of the Deployment (its scale subresource).'),
  lastScaleTime: { type: 'string', format: 'date-time', description: 'When the operator last changed the replica count.' },
  lastScaleReason: { type: 'string', description: 'Why it did.' },
  streamOwned: { type: 'boolean', description: 'This EventPipeline created the stream.' },
  consumerOwned: { type: 'boolean', description: 'This EventPipeline created the consumer.' },
  conditions: { type: 'array', items: conditionSchema, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
});

export const eventPipelineOpenApiSchema: JsonSchemaProps = {
  type: 'object',
  description: 'A JetStream stream and durable consumer feeding a processor Deployment that the operator scales by consumer lag.',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: specSchema,
    status: statusSchema,
  },
  required: ['spec'],
};

/** The CustomResourceDefinition, exported as an object so k8s/ and the Helm chart render the same thing. */
export const eventPipelineCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${EVENT_PIPELINE_PLURAL}.${API_GROUP}` },
  spec: {
    group: API_GROUP,
    scope: 'Namespaced',
    names: {
      kind: EVENT_PIPELINE_KIND,
      listKind: `${EVENT_PIPELINE_KIND}List`,
      plural: EVENT_PIPELINE_PLURAL,
      singular: 'eventpipeline',
      shortNames: ['evp'],
      categories: ['adstream'],
    },
    versions: [
      {
        name: API_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Replicas', type: 'integer', jsonPath: '.status.currentReplicas', description: 'Current processor replicas' },
          { name: 'Desired', type: 'integer', jsonPath: '.status.desiredReplicas', description: 'Replicas the operator asks for' },
          { name: 'Lag', type: 'integer', jsonPath: '.status.lag', description: 'Unacknowledged messages' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: eventPipelineOpenApiSchema },
      },
    ],
  },
} as const;
