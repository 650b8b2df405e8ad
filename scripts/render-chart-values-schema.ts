import { z } from 'zod';
import { operatorEnvSchema } from '../operator/src/config.ts';
import { eventPipelineOpenApiSchema, type JsonSchemaProps } from '../operator/src/crd/event-pipeline-crd.ts';
import { ingestEnvSchema } from '../services/ingest/src/config.ts';
import { processorEnvSchema } from '../services/processor/src/config.ts';
import { queryEnvSchema } from '../services/query/src/config.ts';
import { SCOPES } from '../services/shared/src/api-keys.ts';
import { topologyEnvSchema } from '../services/shared/src/topology-config.ts';

/**
 * The chart's values.schema.json, built from the sources the values end up in:
 * the services' zod environment schemas (for the `config` and `jetstream`
 * maps) and the EventPipeline CRD (for `pipeline`). Every object refuses
 * unknown keys, so a typo fails `helm install` instead of being ignored.
 */

type Schema = Record<string, unknown>;

/**
 * Variables the chart sets from other values (ports, connections, credentials,
 * the keys file, the pod's identity). Users set those through the dedicated
 * values; secrets never go into a ConfigMap.
 */
export const CHART_OWNED_ENV: ReadonlySet<string> = new Set([
  'PORT',
  'HOST',
  'HEALTH_PORT',
  'METRICS_PORT',
  'METRICS_HOST',
  'LOG_LEVEL',
  'API_KEYS_FILE',
  'NATS_URL',
  'JETSTREAM_PROVISION',
  'CLICKHOUSE_URL',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_DATABASE',
  'CLICKHOUSE_SQL_USER',
  'CLICKHOUSE_SQL_PASSWORD',
  'MIGRATE_ON_START',
  'POD_NAME',
  'POD_NAMESPACE',
]);

const obj = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
  required: Object.keys(properties),
  ...extra,
});
const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (description: string, minimum: number, maximum?: number): Schema => ({
  type: 'integer',
  description,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const port = (description: string) => int(description, 1, 65535);
const stringMap = (description: string): Schema => ({ type: 'object', description, additionalProperties: { type: 'string' } });

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const SECRET_KEY = '^[-._a-zA-Z0-9]+$';
/** A Kubernetes resource quantity: 250m, 1, 1.5, 512Mi, 4Gi. */
const QUANTITY = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
/** A size in nats-server's configuration syntax: 8MB, 256M, 1GB, 10G. */
const NATS_SIZE = '^[0-9]+(K|M|G|T)B?$';
const CLICKHOUSE_IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

const quantity = (description: string) => str(description, { pattern: QUANTITY });
const resources = obj(
  'Container resources. Requests are required: the HPA and the scheduler need them.',
  {
    requests: obj('What the scheduler reserves.', { cpu: quantity('CPU, e.g. 250m.'), memory: quantity('Memory, e.g. 256Mi.') }),
    limits: obj('Caps. A CPU limit is optional (throttling hurts latency); a memory limit is not.', {
      cpu: quantity('CPU limit.'),
      memory: quantity('Memory limit, e.g. 512Mi.'),
    }, { required: ['memory'] }),
  },
);
const IMAGE_TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const image = (description: string, tagRequired: boolean) =>
  obj(description, {
    repository: str('Image repository.', { minLength: 1 }),
    tag: tagRequired
      ? str('Image tag: a version, never latest (the templates refuse it).', { pattern: `^${IMAGE_TAG}$` })
      : str("Image tag: a version, never latest (the templates refuse it); empty for the chart's appVersion.", { pattern: `^$|^${IMAGE_TAG}$` }),
    pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'When the kubelet pulls the image.' },
  });
const pdb = obj('PodDisruptionBudget: how many pods a voluntary disruption (drain, upgrade) may take down at once.', {
  enabled: bool('Create it.'),
  maxUnavailable: int('Pods that may be down at once.', 1),
});
const toleration = obj(
  'A toleration, as in a pod spec.',
  {
    key: str('Taint key.'),
    operator: { enum: ['Exists', 'Equal'], description: 'How the value is matched.' },
    value: str('Taint value.'),
    effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], description: 'Taint effect.' },
    tolerationSeconds: int('For NoExecute: how long the pod stays once the taint appears.', 0),
  },
  { required: [] },
);
const scheduling = {
  podAnnotations: stringMap('Extra pod annotations.'),
  nodeSelector: stringMap('Node labels the pods must run on.'),
  tolerations: { type: 'array', description: 'Taints the pods tolerate.', items: toleration },
};
const service = obj(
  'How the component is exposed.',
  {
    type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'], description: 'Service type.' },
    nodePort: int('Fixed node port (type NodePort); omit to let Kubernetes choose.', 30000, 32767),
  },
  { required: ['type'] },
);
const hpa = obj('CPU-based HorizontalPodAutoscaler (autoscaling/v2).', {
  enabled: bool('Create it; the Deployment then leaves its replica count to the HPA.'),
  minReplicas: int('Fewest replicas.', 1),
  maxReplicas: int('Most replicas.', 1),
  targetCPUUtilizationPercentage: int('Average CPU use, in percent of requests, the HPA aims for.', 1, 100),
});
const grace = int("Seconds Kubernetes waits after SIGTERM before it kills the pod; must exceed the service's SHUTDOWN_GRACE_MS.", 1, 3600);

/** The variables of a service's zod schema that users may set, as JSON Schema properties. */
export function envConfigSchema(description: string, env: z.ZodObject): Schema {
  const json = z.toJSONSchema(env, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Schema> };
  const properties: Record<string, Schema> = {};
  for (const [name, prop] of Object.entries(json.properties)) {
    if (CHART_OWNED_ENV.has(name)) continue;
    properties[name] = envProperty(prop);
  }
  return { type: 'object', description, additionalProperties: false, properties };
}

/** Booleans are spelled as strings in the environment; YAML users write true/false. */
function envProperty(prop: Schema): Schema {
  const values = prop.enum as unknown[] | undefined;
  if (values && values.every((v) => ['true', 'false', '1', '0'].includes(String(v)))) {
    const { type: _type, ...rest } = prop;
    return { ...rest, enum: [true, false, ...values] };
  }
  return prop;
}

/** A CRD's structural schema node as strict JSON Schema: Kubernetes-only keywords dropped, unknown keys refused. */
export function strictFromCrd(node: JsonSchemaProps): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'format') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchemaProps>).map(([k, v]) => [k, strictFromCrd(v)]));
    } else if (key === 'items') {
      out.items = strictFromCrd(value as JsonSchemaProps);
    } else {
      out[key] = value;
    }
  }
  if (node.type === 'object' && node.properties) out.additionalProperties = false;
  return out;
}

function crdSpecField(name: string): JsonSchemaProps {
  const field = eventPipelineOpenApiSchema.properties?.spec?.properties?.[name];
  if (!field) throw new Error(`the EventPipeline CRD has no spec.${name}`);
  return field;
}

const logLevel = (z.toJSONSchema(ingestEnvSchema.shape.LOG_LEVEL, { io: 'input' }) as { enum: string[] }).enum;

function componentSchema(description: string, properties: Record<string, Schema>): Schema {
  return obj(description, { ...properties, ...scheduling });
}

/** With enabled false, external.url must be given; the error then names external.url itself. */
const externalUrlRequired: Schema = {
  if: { properties: { enabled: { const: false } } },
  then: { properties: { external: { properties: { url: { minLength: 1 } } } } },
};

export function chartValuesSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'adstream chart values',
    ...obj('Values of the adstream chart (values.yaml documents each).', {
      image: image('The adstream image; the container arguments pick the service.', false),
      imagePullSecrets: { type: 'array', description: 'Registry credentials.', items: obj('A Secret name.', { name: str('Secret name.', { pattern: DNS_SUBDOMAIN }) }) },
      nodeArgs: { type: 'array', description: 'Node flags before the entry file, e.g. --watch.', items: str('A node flag.', { pattern: '^--' }) },
      logLevel: { enum: logLevel, description: 'pino level of every service.' },
      security: obj('Identity and root filesystem of adstream containers.', {
        runAsUser: int('Non-root user id.', 1),
        runAsGroup: int('Group id (also fsGroup).', 1),
        readOnlyRootFilesystem: bool('false only for live update in development.'),
      }),
      topologySpread: obj('Spread of each component over nodes and zones.', {
        enabled: bool('Add topologySpreadConstraints.'),
        maxSkew: int('Largest allowed difference in pod count between nodes (zones).', 1),
        whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'], description: 'Hard or soft constraint.' },
      }),
      apiKeys: obj('The API keys file of ingest and query.', {
        existingSecret: str('Existing Secret with the keys; empty: the chart generates one.', { pattern: `^$|${DNS_SUBDOMAIN}` }),
        secretKey: str('Key of the JSON list inside the Secret.', { pattern: SECRET_KEY }),
        generated: obj('The key generated when existingSecret is empty.', {
          tenant: str('Tenant the key belongs to.', { minLength: 1, maxLength: 128, pattern: '^[!-~]+$' }),
          scopes: { type: 'array', description: 'Scopes of the key.', minItems: 1, uniqueItems: true, items: { enum: [...SCOPES] } },
        }),
      }),
      jetstream: envConfigSchema('JetStream names and limits (JETSTREAM_* variables), shared by every service and the EventPipeline.', topologyEnvSchema),
      ingest: componentSchema('The ingest service.', {
        replicas: int('Replicas when autoscaling is off.', 0),
        port: port('HTTP port.'),
        metricsPort: port('Prometheus /metrics port.'),
        service,
        autoscaling: hpa,
        podDisruptionBudget: pdb,
        resources,
        terminationGracePeriodSeconds: grace,
        config: envConfigSchema('Variables of the README ingest table.', ingestEnvSchema),
      }),
      processor: componentSchema('The processors.', {
        replicas: int('Replicas when the operator is off.', 0),
        healthPort: port('/healthz and /readyz port.'),
        metricsPort: port('Prometheus /metrics port.'),
        podDisruptionBudget: pdb,
        resources,
        terminationGracePeriodSeconds: grace,
        config: envConfigSchema('Variables of the README processor table.', processorEnvSchema),
      }),
      query: componentSchema('The query service.', {
        replicas: int('Replicas when autoscaling is off.', 0),
        port: port('HTTP port.'),
        metricsPort: port('Prometheus /metrics port.'),
        service,
        autoscaling: hpa,
        podDisruptionBudget: pdb,
        resources,
        terminationGracePeriodSeconds: grace,
        config: envConfigSchema('Variables of the README query table.', queryEnvSchema),
      }),
      operator: componentSchema('The operator.', {
        enabled: bool('Run it (and create the EventPipeline).'),
        replicas: int('Replicas; more than one elect a leader.', 1),
        healthPort: port('/healthz and /readyz port.'),
        metricsPort: port('Prometheus /metrics port.'),
        podDisruptionBudget: pdb,
        resources,
        terminationGracePeriodSeconds: grace,
        config: envConfigSchema('Variables of the operator (operator/src/config.ts).', operatorEnvSchema),
      }),
      pipeline: obj('The EventPipeline the chart creates; fields as in the CRD.', {
        autoscaling: strictFromCrd(crdSpecField('autoscaling')),
        deletionPolicy: strictFromCrd(crdSpecField('deletionPolicy')),
      }),
      migrations: obj('The ClickHouse migrations Job.', {
        enabled: bool('Run migrations as a Helm hook Job.'),
        backoffLimit: int('Retries of its pod.', 0),
        activeDeadlineSeconds: int('Time limit of the Job.', 1),
        resources,
      }),
      nats: obj(
        'NATS JetStream, in-cluster or external.',
        {
          enabled: bool('Run NATS in the cluster; false: use external.url.'),
          external: obj('An external NATS.', { url: str('nats://host:4222, comma-separated for several.', { pattern: '^$|^(nats|tls)://' }) }),
          image: image('The NATS server image.', true),
          replicas: { enum: [1, 3, 5], description: 'Servers: 3 or 5 form a JetStream cluster that survives a lost server; 1 for development.' },
          maxPayload: str('Largest message, e.g. 8MB.', { pattern: NATS_SIZE }),
          storage: obj('The JetStream volume of each server.', { size: quantity('Volume size.'), storageClassName: str('StorageClass; empty for the default.') }),
          maxFileStore: str('JetStream file store limit, below storage.size (nats syntax, e.g. 8G).', { pattern: NATS_SIZE }),
          maxMemoryStore: str('JetStream memory store limit (nats syntax, e.g. 256M).', { pattern: NATS_SIZE }),
          podDisruptionBudget: pdb,
          resources,
          ...scheduling,
        },
        externalUrlRequired,
      ),
      clickhouse: obj(
        'ClickHouse, in-cluster or external.',
        {
          enabled: bool('Run a single-node ClickHouse in the cluster; false: use external.url.'),
          external: obj('An external ClickHouse.', { url: str('HTTP interface, http(s)://host:8123.', { pattern: '^$|^https?://' }) }),
          user: str('User the services connect as.', { pattern: CLICKHOUSE_IDENTIFIER }),
          password: str('Its password; empty: generated (in-cluster) or none (external).'),
          sqlUser: str('Read-only user for tenant SQL (POST /v1/sql); empty turns the route off.', { pattern: `^$|${CLICKHOUSE_IDENTIFIER}` }),
          sqlPassword: str('Its password; empty: generated (in-cluster) or none (external).'),
          existingSecret: str('Existing Secret with the passwords (takes precedence).', { pattern: `^$|${DNS_SUBDOMAIN}` }),
          existingSecretKey: str('Key of the password of user.', { pattern: SECRET_KEY }),
          existingSecretSqlKey: str('Key of the password of sqlUser.', { pattern: SECRET_KEY }),
          database: str('Database of the adstream tables.', { pattern: CLICKHOUSE_IDENTIFIER }),
          image: image('The ClickHouse server image.', true),
          storage: obj('The data volume.', { size: quantity('Volume size.'), storageClassName: str('StorageClass; empty for the default.') }),
          resources,
          ...scheduling,
        },
        externalUrlRequired,
      ),
      metrics: obj('Prometheus and Grafana integration.', {
        serviceMonitor: obj('ServiceMonitors (when monitoring.coreos.com/v1 is served).', {
          enabled: bool('Create them when the API exists.'),
          interval: str('Scrape interval.', { pattern: '^[0-9]+(ms|s|m|h)$' }),
          labels: stringMap('Labels your Prometheus selects ServiceMonitors by.'),
        }),
        prometheusRule: obj('The alert rules as a PrometheusRule (when monitoring.coreos.com/v1 is served).', {
          enabled: bool('Create it when the API exists.'),
          labels: stringMap('Labels your Prometheus selects rules by.'),
        }),
        grafanaDashboards: obj("Dashboards as ConfigMaps for Grafana's sidecar.", {
          enabled: bool('Create them.'),
          label: str('Label the sidecar looks for.', { pattern: '^([a-z0-9.-]+/)?[A-Za-z0-9_.-]+$' }),
          labelValue: str('Its value.'),
        }),
      }),
    }),
  };
}

