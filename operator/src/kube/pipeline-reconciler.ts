import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@adstream/shared/logger';
import { FINALIZER } from '../crd/api-group.ts';
import { pipelineKey, type EventPipeline, type EventPipelineStatus } from '../crd/event-pipeline.ts';
import { parseEventPipelineSpec, type EventPipelineSpec } from '../crd/event-pipeline-spec.ts';
import { readLag } from '../jetstream/lag-reader.ts';
import { deleteOwnedJetStream, ensureJetStream, type ProvisionResult } from '../jetstream/provision.ts';
import type { OperatorMetrics } from '../metrics/operator-metrics.ts';
import type { LagSample } from '../scaling/lag-sample.ts';
import { ScalingHistory } from '../scaling/scaling-history.ts';
import { findCondition } from './conditions.ts';
import type { EventNote, PipelineApi } from './pipeline-api.ts';
import { buildStatus, type Problem, type ReconcileOutcome } from './pipeline-status.ts';

/** How often the stream and consumer are checked against the spec when nothing changed (a deleted stream comes back). */
const REENSURE_MS = 60_000;
/** A spec the operator cannot use is looked at again only this often (or when it changes). */
const INVALID_SPEC_RETRY_MS = 60_000;

/** What the operator remembers about one EventPipeline while it leads. */
export interface PipelineState {
  history: ScalingHistory;
  ensuredGeneration?: number;
  ensuredAtMs?: number;
  provision?: ProvisionResult;
  /** The status last written: newer than the watched object until the watch delivers the update. */
  status?: EventPipelineStatus;
  /** The last error reported as an event, so a persisting one is not repeated every round. */
  lastError?: string;
}

export const newPipelineState = (p: EventPipeline): PipelineState => ({ history: new ScalingHistory(p.status?.perReplicaRate) });

export interface ReconcilerDeps {
  api: PipelineApi;
  /** undefined until the first NATS connection is up. */
  jetstream: () => JetStreamManager | undefined;
  metrics: OperatorMetrics;
  log: Logger;
  now: () => number;
  /** Checked right before every change: a replica that lost the lease must not act. */
  isLeader: () => boolean;
}

export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
}

/**
 * One reconcile round for one EventPipeline: finalizer, spec validation,
 * JetStream, lag reading, decision, scale, status and events. Returns when
 * it wants to run again.
 */
export class PipelineReconciler {
  private readonly d: ReconcilerDeps;

  constructor(deps: ReconcilerDeps) {
    this.d = deps;
  }

  /** One round; an error is recorded as a Warning event (once per distinct message) and rethrown for the retry. */
  async reconcile(p: EventPipeline, state: PipelineState): Promise<{ nextInMs: number }> {
    try {
      const next = await this.round(p, state);
      state.lastError = undefined;
      return next;
    } catch (err) {
      const message = (err as Error).message;
      if (!(err instanceof NotLeaderError) && message !== state.lastError) {
        state.lastError = message;
        await this.event(p, { type: 'Warning', reason: 'ReconcileError', action: 'Reconcile', note: message });
      }
      throw err;
    }
  }

  private async round(p: EventPipeline, state: PipelineState): Promise<{ nextInMs: number }> {
    if (p.metadata.deletionTimestamp !== undefined) {
      await this.finalize(p);
      return { nextInMs: Infinity };
    }
    this.mustLead();
    if (!(p.metadata.finalizers ?? []).includes(FINALIZER)) await this.d.api.setFinalizer(p, true);

    const parsed = parseEventPipelineSpec(p.spec);
    if (!parsed.ok) {
      await this.writeStatus(p, state, { generation: p.metadata.generation, problems: [{ reason: 'InvalidSpec', message: parsed.message }] });
      return { nextInMs: INVALID_SPEC_RETRY_MS };
    }
    const spec = parsed.spec;
    const problems: Problem[] = [];
    const jsm = this.d.jetstream();
    await this.ensureJetStream(p, spec, state, jsm, problems);

    const ns = p.metadata.namespace;
    const deployment = spec.processor.deploymentName;
    const scale = await this.d.api.getScale(ns, deployment);
    if (scale === undefined) {
      problems.push({ reason: 'DeploymentNotFound', message: `Deployment ${ns}/${deployment} not found` });
      await this.writeStatus(p, state, { generation: p.metadata.generation, problems, streamOwned: state.provision?.streamOwned, consumerOwned: state.provision?.consumerOwned });
      return { nextInMs: spec.autoscaling.pollIntervalSeconds * 1000 };
    }
    const ready = await this.d.api.readyReplicas(ns, deployment);
    const sample: LagSample =
      jsm === undefined
        ? { ok: false, atMs: this.d.now(), error: 'not connected to NATS yet' }
        : await readLag(jsm, spec.stream.name, spec.consumer.durableName, ready, this.d.now);
    if (!sample.ok) problems.push({ reason: 'NatsUnreachable', message: `cannot read the consumer's lag: ${sample.error}` });
    state.history.add(sample);
    const decision = state.history.decide(this.d.now(), scale.replicas, spec.autoscaling, spec.consumer.maxAckPending);
    this.d.metrics.decided(pipelineKey(p), decision, scale.replicas);

    const outcome: ReconcileOutcome = {
      generation: p.metadata.generation,
      problems,
      streamOwned: state.provision?.streamOwned,
      consumerOwned: state.provision?.consumerOwned,
      currentReplicas: scale.replicas,
      decision,
    };
    if (decision.desired !== scale.replicas) {
      this.mustLead();
      await this.d.api.setReplicas(ns, deployment, decision.desired, scale);
      outcome.currentReplicas = decision.desired;
      outcome.scaled = { atIso: new Date(this.d.now()).toISOString(), message: decision.message };
      this.d.log.info({ pipeline: pipelineKey(p), from: scale.replicas, to: decision.desired, reason: decision.reason, estimates: decision.estimates }, decision.message);
      await this.event(p, { type: 'Normal', reason: decision.direction === 'up' ? 'ScaledUp' : 'ScaledDown', action: 'Scale', note: decision.message });
    }
    await this.writeStatus(p, state, outcome);
    return { nextInMs: spec.autoscaling.pollIntervalSeconds * 1000 };
  }

  private async ensureJetStream(p: EventPipeline, spec: EventPipelineSpec, state: PipelineState, jsm: JetStreamManager | undefined, problems: Problem[]): Promise<void> {
    const now = this.d.now();
    const due = state.ensuredGeneration !== p.metadata.generation || state.ensuredAtMs === undefined || now - state.ensuredAtMs >= REENSURE_MS;
    if (due) {
      if (jsm === undefined) {
        problems.push({ reason: 'NatsUnreachable', message: 'not connected to NATS yet' });
        return;
      }
      try {
        this.mustLead();
        const result = await ensureJetStream(jsm, spec, p.metadata.uid);
        state.provision = result;
        state.ensuredGeneration = p.metadata.generation;
        state.ensuredAtMs = now;
        const created = [result.streamCreated ? `stream ${spec.stream.name}` : '', result.consumerCreated ? `consumer ${spec.consumer.durableName}` : ''].filter(Boolean);
        if (created.length > 0) await this.event(p, { type: 'Normal', reason: 'Created', action: 'Provision', note: `created ${created.join(' and ')}` });
        if (result.updated.length > 0) await this.event(p, { type: 'Normal', reason: 'Updated', action: 'Provision', note: `updated ${result.updated.join(', ')}` });
      } catch (err) {
        if (err instanceof NotLeaderError) throw err;
        state.ensuredAtMs = undefined;
        problems.push({ reason: 'JetStreamError', message: `cannot provision stream ${spec.stream.name} / consumer ${spec.consumer.durableName}: ${(err as Error).message}` });
        return;
      }
    }
    const immutable = state.provision?.immutable ?? [];
    if (immutable.length > 0) problems.push({ reason: 'ImmutableFields', message: `${immutable.join('; ')} (JetStream cannot change this on an existing object)`, warningOnly: true });
  }

  /** deletionPolicy Delete removes the JetStream objects this EventPipeline created; then the finalizer goes. */
  private async finalize(p: EventPipeline): Promise<void> {
    if (!(p.metadata.finalizers ?? []).includes(FINALIZER)) return;
    this.mustLead();
    const parsed = parseEventPipelineSpec(p.spec);
    if (parsed.ok && parsed.spec.deletionPolicy === 'Delete') {
      const jsm = this.d.jetstream();
      if (jsm === undefined) throw new Error('cannot clean up JetStream: not connected to NATS yet');
      const deleted = await deleteOwnedJetStream(jsm, parsed.spec, p.metadata.uid);
      if (deleted.length > 0) await this.event(p, { type: 'Normal', reason: 'Deleted', action: 'Cleanup', note: `deleted ${deleted.join(' and ')}` });
    }
    await this.d.api.setFinalizer(p, false);
    this.d.metrics.forget(pipelineKey(p));
  }

  /** Writes the status; a newly raised or changed problem also becomes a Warning event. */
  private async writeStatus(p: EventPipeline, state: PipelineState, outcome: ReconcileOutcome): Promise<void> {
    this.mustLead();
    const previous = state.status ?? p.status;
    const status = buildStatus(previous, outcome, new Date(this.d.now()).toISOString());
    const before = findCondition(previous?.conditions, 'Degraded');
    const after = findCondition(status.conditions, 'Degraded');
    if (after?.status === 'True' && (before?.status !== 'True' || before.reason !== after.reason || before.message !== after.message)) {
      await this.event(p, { type: 'Warning', reason: after.reason, action: 'Reconcile', note: after.message });
    }
    await this.d.api.patchStatus(p, status);
    state.status = status;
  }

  /** Events are a courtesy: failing to record one must not fail the round. */
  private async event(p: EventPipeline, e: EventNote): Promise<void> {
    try {
      await this.d.api.event(p, e);
    } catch (err) {
      this.d.log.warn({ err, pipeline: pipelineKey(p), reason: e.reason }, 'cannot record a Kubernetes event');
    }
  }

  private mustLead(): void {
    if (!this.d.isLeader()) throw new NotLeaderError('lost the leader lease');
  }
}
