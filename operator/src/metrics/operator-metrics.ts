import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import type { Decision } from '../scaling/decide.ts';

export const OPERATOR_METRIC = {
  desiredReplicas: 'adstream.operator.replicas.desired',
  currentReplicas: 'adstream.operator.replicas.current',
  lag: 'adstream.operator.consumer.lag',
  arrivalRate: 'adstream.operator.arrival.rate',
  perReplicaRate: 'adstream.operator.replica.processing.rate',
  decisions: 'adstream.operator.decisions',
  reconcileErrors: 'adstream.operator.reconcile.errors',
  leader: 'adstream.operator.leader',
} as const;

interface PipelineGauges {
  desired?: number;
  current?: number;
  lag?: number;
  arrivalRate?: number;
  perReplicaRate?: number;
}

/**
 * The operator's own metrics. Gauges report the latest decision per
 * EventPipeline (attribute `pipeline` = namespace/name). Only the leader
 * decides, so only its values move; the SDK goes on exporting the last value
 * a replica observed after it stops leading, so dashboards select the
 * leader's series with adstream.operator.leader == 1.
 */
export class OperatorMetrics {
  private readonly latest = new Map<string, PipelineGauges>();
  private readonly decisions: Counter;
  private readonly errors: Counter;
  private leading = false;

  constructor(meter: Meter) {
    const gauge = (name: string, description: string, unit: string, pick: (g: PipelineGauges) => number | undefined) =>
      meter.createObservableGauge(name, { description, unit }).addCallback((r) => {
        for (const [pipeline, g] of this.latest) {
          const v = pick(g);
          if (v !== undefined) r.observe(v, { pipeline });
        }
      });
    gauge(OPERATOR_METRIC.desiredReplicas, 'Replicas the last decision asked for', '{replica}', (g) => g.desired);
    gauge(OPERATOR_METRIC.currentReplicas, 'Replicas of the processor Deployment', '{replica}', (g) => g.current);
    gauge(OPERATOR_METRIC.lag, 'Messages not yet acknowledged (pending + ack pending)', '{message}', (g) => g.lag);
    gauge(OPERATOR_METRIC.arrivalRate, 'Messages arriving per second', '{message}/s', (g) => g.arrivalRate);
    gauge(OPERATOR_METRIC.perReplicaRate, 'Messages one busy replica acknowledges per second', '{message}/s', (g) => g.perReplicaRate);
    meter
      .createObservableGauge(OPERATOR_METRIC.leader, { description: '1 while this replica holds the leader lease', unit: '1' })
      .addCallback((r) => r.observe(this.leading ? 1 : 0));
    this.decisions = meter.createCounter(OPERATOR_METRIC.decisions, { description: 'Autoscaling decisions by direction and reason', unit: '{decision}' });
    this.errors = meter.createCounter(OPERATOR_METRIC.reconcileErrors, { description: 'Reconcile rounds that hit an error, by kind', unit: '{error}' });
  }

  decided(pipeline: string, d: Decision, currentReplicas: number): void {
    const e = d.estimates;
    this.latest.set(pipeline, { desired: d.desired, current: currentReplicas, lag: e.lag, arrivalRate: e.arrivalRate, perReplicaRate: e.perReplicaRate });
    const attrs: Attributes = { pipeline, direction: d.direction, reason: d.reason };
    this.decisions.add(1, attrs);
  }

  error(pipeline: string, kind: string): void {
    this.errors.add(1, { pipeline, kind });
  }

  forget(pipeline: string): void {
    this.latest.delete(pipeline);
  }

  setLeading(leading: boolean): void {
    this.leading = leading;
    if (!leading) this.latest.clear();
  }
}
