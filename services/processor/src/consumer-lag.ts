import { adstreamMeter, type Meter } from '@adstream/shared/telemetry/meter';
import { METRIC } from '@adstream/shared/telemetry/metric-names';

export interface ConsumerBacklog {
  /** Messages in the stream the consumer has not been delivered yet. */
  num_pending: number;
  /** Delivered, not yet acknowledged. */
  num_ack_pending: number;
}

/**
 * `adstream.processor.consumer.lag`: the durable consumer's backlog in
 * messages (one message is one ingest request), read from JetStream when
 * Prometheus scrapes. Every processor reports the same consumer, so
 * dashboards take the max over instances, not the sum.
 */
export function observeConsumerLag(
  backlog: () => Promise<ConsumerBacklog>,
  names: { stream: string; consumer: string },
  meter: Meter = adstreamMeter(),
): void {
  const attrs = { 'messaging.system': 'nats', 'messaging.destination.name': names.stream, 'messaging.consumer.group.name': names.consumer };
  meter
    .createObservableGauge(METRIC.processorConsumerLag, { unit: '{message}', description: 'Messages pending delivery plus delivered but unacknowledged' })
    .addCallback(async (result) => {
      try {
        const b = await backlog();
        result.observe(b.num_pending + b.num_ack_pending, attrs);
      } catch {
        // NATS unreachable: no sample, so the series goes stale instead of showing a made-up zero.
      }
    });
}
