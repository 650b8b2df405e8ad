import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { METRIC } from './metric-names.ts';

/**
 * Bucket boundaries per histogram, chosen for the range each quantity really
 * takes; the SDK's default (0…10 000, meant for milliseconds) would put every
 * seconds-valued sample into its first two buckets.
 */
export const HISTOGRAM_BUCKETS: Readonly<Record<string, readonly number[]>> = {
  // The semantic conventions' advice for HTTP server durations (seconds).
  [METRIC.httpServerRequestDuration]: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  // ClickHouse lookups take milliseconds, large inserts seconds; the insert timeout is 30 s.
  [METRIC.dbClientOperationDuration]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  // One JetStream publish with fsync: about a millisecond on a quiet disk, the timeout is 5 s.
  [METRIC.ingestPublishDuration]: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  // Events per batch: from a lone probe event up to BATCH_MAX_ROWS (50 000 by default, 1 000 000 at most).
  [METRIC.processorBatchSize]: [1, 10, 50, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000],
  // Decode → ack of one batch, retries while ClickHouse is down included.
  [METRIC.processorBatchDuration]: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  // Receive → stored; the SLO is one second, so the buckets are finest around it.
  [METRIC.processorFreshness]: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30],
};

export function histogramViews(): ViewOptions[] {
  return Object.entries(HISTOGRAM_BUCKETS).map(([instrumentName, boundaries]) => ({
    instrumentName,
    aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...boundaries] } },
  }));
}
