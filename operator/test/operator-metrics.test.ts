import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { OPERATOR_METRIC, OperatorMetrics } from '../src/metrics/operator-metrics.ts';
import type { Decision } from '../src/scaling/decide.ts';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function collect(reader: TestReader): Promise<Map<string, DataPoint<number>[]>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, DataPoint<number>[]>();
  for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) out.set(m.descriptor.name, m.dataPoints as DataPoint<number>[]);
  return out;
}

const decision: Decision = {
  desired: 4,
  direction: 'up',
  reason: 'scale-up',
  estimates: { lag: 900, arrivalRate: 120, perReplicaRate: 40 },
  message: 'scale up 2→4',
};

describe('OperatorMetrics', () => {
  it('reports replicas, lag, rates and decisions per pipeline, and whether this replica leads', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = new OperatorMetrics(provider.getMeter('test'));
    metrics.setLeading(true);
    metrics.decided('ns/p', decision, 2);
    let m = await collect(reader);
    const value = (name: string) => m.get(name)?.map((p) => [p.attributes, p.value]);
    expect(value(OPERATOR_METRIC.desiredReplicas)).toEqual([[{ pipeline: 'ns/p' }, 4]]);
    expect(value(OPERATOR_METRIC.currentReplicas)).toEqual([[{ pipeline: 'ns/p' }, 2]]);
    expect(value(OPERATOR_METRIC.lag)).toEqual([[{ pipeline: 'ns/p' }, 900]]);
    expect(value(OPERATOR_METRIC.arrivalRate)).toEqual([[{ pipeline: 'ns/p' }, 120]]);
    expect(value(OPERATOR_METRIC.perReplicaRate)).toEqual([[{ pipeline: 'ns/p' }, 40]]);
    expect(value(OPERATOR_METRIC.decisions)).toEqual([[{ pipeline: 'ns/p', direction: 'up', reason: 'scale-up' }, 1]]);
    expect(value(OPERATOR_METRIC.leader)).toEqual([[{}, 1]]);
    metrics.setLeading(false);
    m = await collect(reader);
    expect(value(OPERATOR_METRIC.leader)).toEqual([[{}, 0]]);
    await provider.shutdown();
  });
});
