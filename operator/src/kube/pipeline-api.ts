import { randomBytes } from 'node:crypto';
import { EVENT_PIPELINE_API_VERSION, EVENT_PIPELINE_KIND, FINALIZER } from '../crd/api-group.ts';
import type { EventPipeline, EventPipelineStatus } from '../crd/event-pipeline.ts';
import { retryOnConflict } from './conflict-retry.ts';
import { isNotFound } from './kube-api-error.ts';
import type { KubeClient } from './kube-client.ts';
import { microTime } from './lease-record.ts';

export interface DeploymentScale {
  replicas: number;
  resourceVersion: string;
}

export interface EventNote {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** What the reconciler does to the API server, in its own words; every call is one of API_CALLS. */
export class PipelineApi {
  private readonly kube: KubeClient;
  private readonly identity: string;
  private readonly now: () => number;

  constructor(kube: KubeClient, identity: string, now: () => number) {
    this.kube = kube;
    this.identity = identity;
    this.now = now;
  }

  getPipeline(namespace: string, name: string): Promise<EventPipeline> {
    return this.kube.call<EventPipeline>('getEventPipeline', { namespace, name });
  }

  /** Adds (or removes) the cleanup finalizer; a concurrent change to the list is re-read, not overwritten. */
  async setFinalizer(p: EventPipeline, present: boolean): Promise<void> {
    await retryOnConflict(async () => {
      const fresh = await this.getPipeline(p.metadata.namespace, p.metadata.name);
      const current = fresh.metadata.finalizers ?? [];
      if (current.includes(FINALIZER) === present) return;
      const finalizers = present ? [...current, FINALIZER] : current.filter((f) => f !== FINALIZER);
      await this.kube.call('patchEventPipeline', {
        namespace: p.metadata.namespace,
        name: p.metadata.name,
        body: { metadata: { finalizers, resourceVersion: fresh.metadata.resourceVersion } },
      });
    });
  }

  async patchStatus(p: EventPipeline, status: EventPipelineStatus): Promise<void> {
    await this.kube.call('patchEventPipelineStatus', { namespace: p.metadata.namespace, name: p.metadata.name, body: { status } });
  }

  /** The Deployment's scale (spec.replicas), or undefined when there is no such Deployment. */
  async getScale(namespace: string, name: string): Promise<DeploymentScale | undefined> {
    try {
      const s = await this.kube.call<{ spec?: { replicas?: number }; metadata: { resourceVersion: string } }>('getDeploymentScale', { namespace, name });
      return { replicas: s.spec?.replicas ?? 0, resourceVersion: s.metadata.resourceVersion };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async readyReplicas(namespace: string, name: string): Promise<number> {
    const d = await this.kube.call<{ status?: { readyReplicas?: number } }>('getDeployment', { namespace, name });
    return d.status?.readyReplicas ?? 0;
  }

  /**
   * Sets spec.replicas through the scale subresource, guarded by the
   * resourceVersion it was decided on; after a 409 it re-reads the scale and
   * sets it again (the operator owns the replica count, as an HPA would).
   */
  async setReplicas(namespace: string, name: string, replicas: number, decidedOn: DeploymentScale): Promise<void> {
    let basis: DeploymentScale | undefined = decidedOn;
    await retryOnConflict(async () => {
      basis ??= await this.getScale(namespace, name);
      if (basis === undefined || basis.replicas === replicas) return;
      const resourceVersion = basis.resourceVersion;
      basis = undefined;
      await this.kube.call('patchDeploymentScale', { namespace, name, body: { metadata: { resourceVersion }, spec: { replicas } } });
    });
  }

  /** Records a Kubernetes Event about the EventPipeline (events.k8s.io/v1). */
  async event(p: EventPipeline, e: EventNote): Promise<void> {
    await this.kube.call('createEvent', {
      namespace: p.metadata.namespace,
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        // Named like kubectl's events: the object's name and the time in hex (plus randomness against same-millisecond events).
        metadata: { name: `${p.metadata.name.slice(0, 200)}.${this.now().toString(16)}${randomBytes(3).toString('hex')}`, namespace: p.metadata.namespace },
        eventTime: microTime(this.now()),
        reportingController: 'adstream.io/operator',
        reportingInstance: this.identity,
        action: e.action,
        reason: e.reason,
        type: e.type,
        note: e.note.slice(0, 1024),
        regarding: {
          apiVersion: EVENT_PIPELINE_API_VERSION,
          kind: EVENT_PIPELINE_KIND,
          name: p.metadata.name,
          namespace: p.metadata.namespace,
          uid: p.metadata.uid,
        },
      },
    });
  }
}
