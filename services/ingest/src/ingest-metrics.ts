import { adstreamMeter, type Counter, type Histogram, type Meter } from '@adstream/shared/telemetry/meter';
import { METRIC } from '@adstream/shared/telemetry/metric-names';
import { countRejectReasons, REJECT_REASONS, type RejectReason } from './reject-reasons.ts';
import type { ValidatedBatch } from './validate-batch.ts';

export const PUBLISH_ERROR_REASONS = ['stream_full', 'no_ack'] as const;
export type PublishErrorReason = (typeof PUBLISH_ERROR_REASONS)[number];

/**
 * Ingest's counters, added once per request (never per event). For every
 * request that reached validation: received = accepted + rejected, where
 * accepted includes repeats of an event id within the request (answered as
 * accepted, stored once) and rejected includes valid events of a request
 * that could not be stored (503, 413).
 */
export class IngestMetrics {
  readonly #received: Counter;
  readonly #accepted: Counter;
  readonly #rejected: Counter;
  readonly #duplicate: Counter;
  readonly #publishDuration: Histogram;
  readonly #publishErrors: Counter;

  constructor(meter: Meter = adstreamMeter()) {
    this.#received = meter.createCounter(METRIC.ingestEventsReceived, { unit: '{event}', description: 'Events in requests that reached validation' });
    this.#accepted = meter.createCounter(METRIC.ingestEventsAccepted, { unit: '{event}', description: 'Events answered as accepted (202), stored in JetStream' });
    this.#rejected = meter.createCounter(METRIC.ingestEventsRejected, { unit: '{event}', description: 'Events refused, by reason' });
    this.#duplicate = meter.createCounter(METRIC.ingestEventsDuplicate, {
      unit: '{event}',
      description: 'Accepted events stored once already: repeated within a request (scope=request) or a resent request JetStream dropped (scope=stream)',
    });
    this.#publishDuration = meter.createHistogram(METRIC.ingestPublishDuration, { unit: 's', description: 'JetStream publish until its acknowledgement (or failure)' });
    this.#publishErrors = meter.createCounter(METRIC.ingestPublishErrors, { unit: '{request}', description: 'Publishes JetStream did not store, by reason' });
    // Zero-valued series from the start, so rates and alert expressions have data before the first failure.
    for (const reason of REJECT_REASONS) this.#rejected.add(0, { reason });
    for (const reason of PUBLISH_ERROR_REASONS) this.#publishErrors.add(0, { reason });
    this.#duplicate.add(0, { scope: 'request' });
    this.#duplicate.add(0, { scope: 'stream' });
  }

  /** One request's validation outcome; its valid events are not yet stored. */
  validated(received: number, batch: ValidatedBatch): void {
    this.#received.add(received);
    if (batch.duplicates > 0) this.#duplicate.add(batch.duplicates, { scope: 'request' });
    if (batch.rejected > 0) {
      for (const [reason, n] of countRejectReasons(batch.errors)) this.#rejected.add(n, { reason });
    }
  }

  accepted(events: number): void {
    this.#accepted.add(events);
  }

  /** Valid events of a request that was not stored after all. */
  refused(events: number, reason: Extract<RejectReason, 'too_large' | 'unavailable'>): void {
    this.#rejected.add(events, { reason });
  }

  published(seconds: number, duplicateOfEvents: number | undefined): void {
    this.#publishDuration.record(seconds);
    if (duplicateOfEvents !== undefined) this.#duplicate.add(duplicateOfEvents, { scope: 'stream' });
  }

  publishFailed(seconds: number, reason: PublishErrorReason): void {
    this.#publishDuration.record(seconds, { 'error.type': reason });
    this.#publishErrors.add(1, { reason });
  }
}
