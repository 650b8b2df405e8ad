import { API_GROUP, API_VERSION, EVENT_PIPELINE_PLURAL } from '../crd/api-group.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * One kind of request the operator makes. Every request goes through this
 * table: the client builds its URL from it and the RBAC manifest is derived
 * from it, so the permissions are exactly what the code uses.
 */
export interface ApiCall {
  verb: Verb;
  /** '' for the core group. */
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  /**
   * watched: in the namespaces holding EventPipelines (granted cluster-wide);
   * own: in the operator's own namespace only (the leader-election Lease).
   */
  scope: 'watched' | 'own';
}

const pipelines = { group: API_GROUP, version: API_VERSION, resource: EVENT_PIPELINE_PLURAL, scope: 'watched' } as const;
const deploymentScale = { group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', scope: 'watched' } as const;
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', scope: 'own' } as const;

export const API_CALLS = {
  listEventPipelines: { verb: 'list', ...pipelines },
  watchEventPipelines: { verb: 'watch', ...pipelines },
  getEventPipeline: { verb: 'get', ...pipelines },
  patchEventPipeline: { verb: 'patch', ...pipelines },
  patchEventPipelineStatus: { verb: 'patch', ...pipelines, subresource: 'status' },
  getDeployment: { verb: 'get', group: 'apps', version: 'v1', resource: 'deployments', scope: 'watched' },
  getDeploymentScale: { verb: 'get', ...deploymentScale },
  patchDeploymentScale: { verb: 'patch', ...deploymentScale },
  createEvent: { verb: 'create', group: 'events.k8s.io', version: 'v1', resource: 'events', scope: 'watched' },
  getLease: { verb: 'get', ...leases },
  createLease: { verb: 'create', ...leases },
  updateLease: { verb: 'update', ...leases },
} as const satisfies Record<string, ApiCall>;

export type ApiCallName = keyof typeof API_CALLS;

export interface PathTarget {
  /** Omitted for a cluster-wide list/watch. */
  namespace?: string;
  /** Omitted for list, watch and create. */
  name?: string;
}

/** /api/v1/... or /apis/group/version/..., with namespace, name and subresource as the call needs. */
export function apiPath(call: ApiCall, target: PathTarget = {}): string {
  const parts = [call.group === '' ? `/api/${call.version}` : `/apis/${call.group}/${call.version}`];
  if (target.namespace !== undefined) parts.push('namespaces', encodeURIComponent(target.namespace));
  parts.push(call.resource);
  if (target.name !== undefined) parts.push(encodeURIComponent(target.name));
  if (call.subresource !== undefined) {
    if (target.name === undefined) throw new Error(`${call.resource}/${call.subresource} needs an object name`);
    parts.push(call.subresource);
  }
  return parts.join('/');
}
