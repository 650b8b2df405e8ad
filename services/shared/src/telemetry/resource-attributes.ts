import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { ATTR_K8S_NAMESPACE_NAME, ATTR_K8S_POD_NAME, ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface ResourceInput {
  serviceName: string;
  version: string;
  podName: string | undefined;
  podNamespace: string | undefined;
  /** Outside Kubernetes: host and pid name the instance. */
  host?: string;
  pid?: number;
}

/**
 * The resource every metric and span carries. In Kubernetes the pod (from the
 * downward API: POD_NAME, POD_NAMESPACE) names the instance, so a series can
 * be traced to the pod that produced it.
 */
export function resourceAttributes(r: ResourceInput): Attributes {
  const attrs: Attributes = {
    [ATTR_SERVICE_NAMESPACE]: 'adstream',
    [ATTR_SERVICE_NAME]: r.serviceName,
    [ATTR_SERVICE_VERSION]: r.version,
  };
  if (r.podName !== undefined) {
    attrs[ATTR_K8S_POD_NAME] = r.podName;
    if (r.podNamespace !== undefined) attrs[ATTR_K8S_NAMESPACE_NAME] = r.podNamespace;
    attrs[ATTR_SERVICE_INSTANCE_ID] = r.podNamespace === undefined ? r.podName : `${r.podNamespace}/${r.podName}`;
  } else {
    attrs[ATTR_SERVICE_INSTANCE_ID] = `${r.host ?? hostname()}/${r.pid ?? process.pid}`;
  }
  return attrs;
}
