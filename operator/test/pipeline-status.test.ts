import { describe, expect, it } from 'vitest';
import type { EventPipelineStatus } from '../src/crd/event-pipeline.ts';
import { setCondition } from '../src/kube/conditions.ts';
import { buildStatus } from '../src/kube/pipeline-status.ts';
import type { Decision } from '../src/scaling/decide.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';

const decision = (over: Partial<Decision> = {}): Decision => ({
  desired: 5,
  direction: 'up',
  reason: 'scale-up',
  recommendation: { atMs: 0, replicas: 5 },
  estimates: { lag: 12_000, pending: 11_000, ackPending: 1_000, arrivalRate: 900, perReplicaRate: 300, perReplicaRateSource: 'measured' },
  message: 'scale up 3→5: lag 12000',
  ...over,
});

describe('setCondition', () => {
  it('keeps lastTransitionTime while the status stays, moves it when it flips', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'ok' }, T0);
    const same = setCondition(first, { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'still ok' }, T1);
    expect(same).toEqual([{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'still ok', lastTransitionTime: T0 }]);
    const flipped = setCondition(same, { type: 'Ready', status: 'False', reason: 'NatsUnreachable', message: 'down' }, T1);
    expect(flipped[0]!.lastTransitionTime).toBe(T1);
  });
});

describe('buildStatus', () => {
  it('reports the decision, the estimates and a healthy pipeline', () => {
    const s = buildStatus(undefined, { generation: 4, problems: [], currentReplicas: 5, decision: decision(), scaled: { atIso: T0, message: 'scale up 3→5: lag 12000' }, streamOwned: true, consumerOwned: false }, T0);
    expect(s).toMatchObject({
      observedGeneration: 4,
      lag: 12_000,
      pending: 11_000,
      ackPending: 1_000,
      arrivalRate: 900,
      perReplicaRate: 300,
      perReplicaRateSource: 'measured',
      desiredReplicas: 5,
      currentReplicas: 5,
      lastScaleTime: T0,
      lastScaleReason: 'scale up 3→5: lag 12000',
      streamOwned: true,
      consumerOwned: false,
    });
    expect(s.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Reconciled', observedGeneration: 4 }),
      expect.objectContaining({ type: 'Degraded', status: 'False', reason: 'AsExpected' }),
      expect.objectContaining({ type: 'Scaling', status: 'True', reason: 'ScaledUp', message: 'scale up 3→5: lag 12000' }),
    ]);
  });

  it('says Scaling=True while a change waits out its stabilization window, False at target', () => {
    const waiting = buildStatus(undefined, { generation: 1, problems: [], decision: decision({ direction: 'none', reason: 'scale-down-stabilizing', desired: 3 }) }, T0);
    expect(waiting.conditions!.find((c) => c.type === 'Scaling')).toMatchObject({ status: 'True', reason: 'ScaleDownStabilizing' });
    const steady = buildStatus(undefined, { generation: 1, problems: [], decision: decision({ direction: 'none', reason: 'at-target', desired: 3 }) }, T0);
    expect(steady.conditions!.find((c) => c.type === 'Scaling')).toMatchObject({ status: 'False', reason: 'AtTarget' });
  });

  it('is not Ready and Degraded with every message when something blocks the pipeline', () => {
    const s = buildStatus(
      undefined,
      {
        generation: 2,
        problems: [
          { reason: 'NatsUnreachable', message: "cannot read the consumer's lag: TIMEOUT" },
          { reason: 'ImmutableFields', message: 'stream S: storage is "memory", the spec asks for "file"', warningOnly: true },
        ],
      },
      T0,
    );
    expect(s.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'NatsUnreachable', message: "cannot read the consumer's lag: TIMEOUT" });
    expect(s.conditions!.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'NatsUnreachable',
      message: 'cannot read the consumer\'s lag: TIMEOUT; stream S: storage is "memory", the spec asks for "file"',
    });
  });

  it('stays Ready when only a field JetStream cannot change differs', () => {
    const s = buildStatus(undefined, { generation: 2, problems: [{ reason: 'ImmutableFields', message: 'x', warningOnly: true }] }, T0);
    expect(s.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
    expect(s.conditions!.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'ImmutableFields' });
  });

  it('keeps what it does not learn this round from the previous status', () => {
    const previous: EventPipelineStatus = { lastScaleTime: T0, lastScaleReason: 'scale up 1→2', perReplicaRate: 250, currentReplicas: 2 };
    const s = buildStatus(previous, { generation: 3, problems: [{ reason: 'InvalidSpec', message: 'spec.x: bad' }] }, T1);
    expect(s).toMatchObject({ lastScaleTime: T0, lastScaleReason: 'scale up 1→2', perReplicaRate: 250, currentReplicas: 2, observedGeneration: 3 });
  });
});
