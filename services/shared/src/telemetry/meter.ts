import { metrics, type Meter } from '@opentelemetry/api';

export type { Counter, Histogram, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';

export const INSTRUMENTATION_SCOPE = 'adstream';

/**
 * The meter instruments are created from. The API's global meter provider is
 * not a proxy: instruments created before `startTelemetry` stay no-ops, so
 * services create theirs when they build their components, after it ran.
 */
export function adstreamMeter(): Meter {
  return metrics.getMeter(INSTRUMENTATION_SCOPE);
}
