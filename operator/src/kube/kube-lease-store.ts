import type { LeaseStore } from './leader-elector.ts';
import type { LeaseRecord, ObservedLease } from './lease-record.ts';
import { isNotFound } from './kube-api-error.ts';
import type { KubeClient } from './kube-client.ts';

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec?: LeaseRecord;
}

const observed = (l: Lease): ObservedLease => ({ record: l.spec ?? {}, resourceVersion: l.metadata.resourceVersion });

/** The leader-election Lease in the operator's namespace; writes carry the resourceVersion they were based on. */
export function kubeLeaseStore(kube: KubeClient, namespace: string, name: string): LeaseStore {
  const body = (spec: LeaseRecord, resourceVersion?: string) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec,
  });
  return {
    get: async () => {
      try {
        return observed(await kube.call<Lease>('getLease', { namespace, name }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: async (record) => observed(await kube.call<Lease>('createLease', { namespace, body: body(record) })),
    update: async (record, resourceVersion) => observed(await kube.call<Lease>('updateLease', { namespace, name, body: body(record, resourceVersion) })),
  };
}
