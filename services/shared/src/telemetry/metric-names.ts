/**
 * Every metric the services emit, by OpenTelemetry name. Prometheus sees dots
 * as underscores, counters with a `_total` suffix and histograms as
 * `_bucket`/`_sum`/`_count` (docs/observability.md lists both spellings).
 * Semantic-convention names are used where a stable one exists; the rest
 * live under `adstream.`.
 */
export const METRIC = {
  httpServerRequestDuration: 'http.server.request.duration',
  dbClientOperationDuration: 'db.client.operation.duration',

  ingestEventsReceived: 'adstream.ingest.events.received',
  ingestEventsAccepted: 'adstream.ingest.events.accepted',
  ingestEventsRejected: 'adstream.ingest.events.rejected',
  ingestEventsDuplicate: 'adstream.ingest.events.duplicate',
  ingestPublishDuration: 'adstream.ingest.publish.duration',
  ingestPublishErrors: 'adstream.ingest.publish.errors',

  processorMessagesConsumed: 'adstream.processor.messages.consumed',
  processorMessagesInFlight: 'adstream.processor.messages.in_flight',
  processorRedeliveries: 'adstream.processor.redeliveries',
  processorDeadLettered: 'adstream.processor.dead_lettered',
  processorBatchSize: 'adstream.processor.batch.size',
  processorBatchDuration: 'adstream.processor.batch.duration',
  processorEventsStored: 'adstream.processor.events.stored',
  processorDuplicatesDropped: 'adstream.processor.duplicates.dropped',
  processorInsertErrors: 'adstream.processor.clickhouse.insert.errors',
  processorRetries: 'adstream.processor.retries',
  processorConsumerLag: 'adstream.processor.consumer.lag',
  processorFreshness: 'adstream.processor.freshness',

  processCpuTime: 'process.cpu.time',
  processMemoryUsage: 'process.memory.usage',
  eventLoopDelayP99: 'nodejs.eventloop.delay.p99',
} as const;
