import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { envInt, envLogLevel, parseEnv } from '@adstream/shared/env';

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes name (DNS-1123 label)').max(63);

export const operatorEnvSchema = z
  .object({
    LOG_LEVEL: envLogLevel,
    HEALTH_PORT: envInt(8083, 1, 65535),
    HOST: z.string().default('0.0.0.0'),
    NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
    NATS_NAME: z.string().default('adstream-operator'),
    /** Only EventPipelines of this namespace; all namespaces when unset. */
    WATCH_NAMESPACE: dnsLabel.optional(),
    /** This replica's identity in the Lease; the pod name in a cluster. */
    POD_NAME: z.string().min(1).max(253).optional(),
    /** Where the Lease lives; the pod's namespace in a cluster. */
    POD_NAMESPACE: dnsLabel.optional(),
    LEASE_NAME: dnsLabel.default('adstream-operator'),
    LEASE_DURATION_SECONDS: envInt(15, 2, 300),
    RENEW_DEADLINE_SECONDS: envInt(10, 1, 299),
    RETRY_PERIOD_SECONDS: envInt(2, 1, 60),
    JETSTREAM_TIMEOUT_MS: envInt(3_000, 100, 60_000),
    SHUTDOWN_GRACE_MS: envInt(10_000, 0, 600_000),
  })
  .superRefine((c, ctx) => {
    if (c.RENEW_DEADLINE_SECONDS >= c.LEASE_DURATION_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['RENEW_DEADLINE_SECONDS'], message: 'must be less than LEASE_DURATION_SECONDS' });
    }
    if (c.RETRY_PERIOD_SECONDS >= c.RENEW_DEADLINE_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['RETRY_PERIOD_SECONDS'], message: 'must be less than RENEW_DEADLINE_SECONDS' });
    }
  });

export interface OperatorConfig extends z.output<typeof operatorEnvSchema> {
  identity: string;
  leaseNamespace: string;
}

export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env, serviceAccountNamespaceFile = SERVICE_ACCOUNT_NAMESPACE_FILE): OperatorConfig {
  const c = parseEnv(operatorEnvSchema, env);
  const inCluster = existsSync(serviceAccountNamespaceFile) ? readFileSync(serviceAccountNamespaceFile, 'utf8').trim() : undefined;
  return { ...c, identity: c.POD_NAME ?? hostname(), leaseNamespace: c.POD_NAMESPACE ?? inCluster ?? 'default' };
}
