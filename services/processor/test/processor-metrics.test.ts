import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HEADER_COUNT, HEADER_FORMAT, HEADER_TENANT, MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import { HEADER_RECEIVED_AT } from '@adstream/shared/telemetry/freshness';
import { METRIC } from '@adstream/shared/telemetry/metric-names';
import { observeConsumerLag } from '../src/consumer-lag.ts';
import { InstrumentedEventStore } from '../src/instrumented-event-store.ts';
import { BatchPipeline } from '../src/pipeline.ts';
import { ProcessorMetrics } from '../src/processor-metrics.ts';
import { metricsKit } from '../../shared/test/metrics-kit.ts';
import { message } from './fixtures.ts';
import { MemoryDeadLetters, MemoryStore } from './memory-stores.ts';

const headersFor = (tenant: string, count: number, receivedAt: number) => ({
  [HEADER_FORMAT]: MESSAGE_FORMAT_VERSION,
  [HEADER_TENANT]: tenant,
  [HEADER_COUNT]: String(count),
  [HEADER_RECEIVED_AT]: String(receivedAt),
});

function setup() {
  const kit = metricsKit();
  const store = new MemoryStore();
  const deadLetters = new MemoryDeadLetters();
  const pipeline = new BatchPipeline({
    store: new InstrumentedEventStore(store, kit.meter),
    deadLetters,
    log: pino({ level: 'silent' }),
    backoff: { initialMs: 1, maxMs: 1 },
    maxAttempts: 3,
    isStopping: () => false,
    sleep: async () => {},
    metrics: new ProcessorMetrics(kit.meter),
  });
  return { kit, store, pipeline };
}

describe('processor metrics', () => {
  it('counts a batch once: messages, redeliveries, size, stored events, duplicates, freshness', async () => {
    const { kit, pipeline } = setup();
    const receivedAt = Date.now() - 400;
    await pipeline.process([
      message(1, 'acme', [1, 2, 3], { headers: headersFor('acme', 3, receivedAt) }),
      // Event 3 again, in a redelivered message: dropped as a duplicate within the batch.
      message(2, 'acme', [3, 4], { deliveryCount: 2, headers: headersFor('acme', 2, receivedAt) }),
    ]);
    expect(await kit.value(METRIC.processorMessagesConsumed)).toBe(2);
    expect(await kit.value(METRIC.processorRedeliveries)).toBe(1);
    expect(await kit.value(METRIC.processorEventsStored)).toBe(4);
    expect(await kit.value(METRIC.processorDuplicatesDropped, { scope: 'batch' })).toBe(1);
    expect(await kit.value(METRIC.processorDuplicatesDropped, { scope: 'stored' })).toBe(0);
    expect(await kit.value(METRIC.processorMessagesInFlight)).toBe(0);
    const size = await kit.histogram(METRIC.processorBatchSize);
    expect([size?.count, size?.sum]).toEqual([1, 5]);
    const freshness = await kit.histogram(METRIC.processorFreshness);
    expect(freshness?.count).toBe(2);
    expect(freshness!.min).toBeGreaterThanOrEqual(0.4);
    expect((await kit.histogram(METRIC.processorBatchDuration))?.count).toBe(1);
  });

  it('counts dead letters by reason, with zero-valued series for the others from the start', async () => {
    const { kit, pipeline } = setup();
    expect(await kit.value(METRIC.processorDeadLettered, { reason: 'undecodable' })).toBe(0);
    await pipeline.process([message(1, 'acme', [1], { headers: { [HEADER_FORMAT]: '0' } })]);
    expect(await kit.value(METRIC.processorDeadLettered, { reason: 'undecodable' })).toBe(1);
    expect(await kit.value(METRIC.processorDeadLettered, { reason: 'rejected-by-clickhouse' })).toBe(0);
    expect(await kit.histogram(METRIC.processorFreshness)).toBeUndefined();
  });

  it('times ClickHouse calls and counts failed inserts by kind', async () => {
    const { kit, store, pipeline } = setup();
    store.failures.push(new Error('connect ECONNREFUSED'));
    await pipeline.process([message(1, 'acme', [1, 2], { headers: headersFor('acme', 2, Date.now()) })]);
    expect(await kit.value(METRIC.processorInsertErrors, { reason: 'transient' })).toBe(1);
    expect(await kit.value(METRIC.processorInsertErrors, { reason: 'rejected' })).toBe(0);
    expect(await kit.value(METRIC.processorRetries)).toBe(1);
    const base = { 'db.system.name': 'clickhouse', 'db.operation.name': 'INSERT', 'db.collection.name': 'events' };
    expect((await kit.histogram(METRIC.dbClientOperationDuration, { ...base, 'error.type': 'transient' }))?.count).toBe(1);
    const ok = (await kit.points(METRIC.dbClientOperationDuration)).filter((p) => p.attributes['db.operation.name'] === 'INSERT' && !('error.type' in p.attributes));
    expect(ok.map((p) => (p.value as { count: number }).count)).toEqual([1]);
    expect((await kit.histogram(METRIC.dbClientOperationDuration, { 'db.operation.name': 'SELECT', 'db.collection.name': 'event_ids' }))?.count).toBe(1);
    expect(await kit.value(METRIC.processorEventsStored)).toBe(2);
  });
});

describe('consumer lag', () => {
  it('reports pending plus ack-pending messages when collected', async () => {
    const kit = metricsKit();
    let backlog = { num_pending: 120, num_ack_pending: 30 };
    observeConsumerLag(async () => backlog, { stream: 'ADSTREAM_EVENTS', consumer: 'processor' }, kit.meter);
    expect(await kit.value(METRIC.processorConsumerLag, { 'messaging.consumer.group.name': 'processor', 'messaging.destination.name': 'ADSTREAM_EVENTS' })).toBe(150);
    backlog = { num_pending: 0, num_ack_pending: 2 };
    expect(await kit.value(METRIC.processorConsumerLag)).toBe(2);
  });

  it('reports nothing while JetStream cannot be asked', async () => {
    const kit = metricsKit();
    observeConsumerLag(async () => Promise.reject(new Error('disconnected')), { stream: 'S', consumer: 'c' }, kit.meter);
    expect(await kit.points(METRIC.processorConsumerLag)).toEqual([]);
  });
});
