import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { metrics, type Attributes, type Meter } from '@opentelemetry/api';
import { histogramViews } from '../src/telemetry/histogram-buckets.ts';

/** Collects on demand, like the Prometheus exporter does on a scrape. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricsKit {
  provider: MeterProvider;
  meter: Meter;
  /** Data points of one metric, by OpenTelemetry name. */
  points(name: string): Promise<DataPoint<unknown>[]>;
  /** The counter/gauge value of the point whose attributes include `attrs`; undefined when there is none. */
  value(name: string, attrs?: Attributes): Promise<number | undefined>;
  histogram(name: string, attrs?: Attributes): Promise<Histogram | undefined>;
  /** Registers the provider as the global one, as startTelemetry would; returns the undo. */
  installGlobally(): () => void;
}

const matches = (have: Attributes, want: Attributes) => Object.entries(want).every(([k, v]) => have[k] === v);

/** A real SDK meter provider with the services' histogram views, read in-process (no exporter, no port). */
export function metricsKit(): MetricsKit {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader], views: histogramViews() });
  const points = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<unknown>[]);
  };
  return {
    provider,
    meter: provider.getMeter('test'),
    points,
    value: async (name, attrs = {}) => (await points(name)).find((p) => matches(p.attributes, attrs))?.value as number | undefined,
    histogram: async (name, attrs = {}) => (await points(name)).find((p) => matches(p.attributes, attrs))?.value as Histogram | undefined,
    installGlobally: () => {
      metrics.setGlobalMeterProvider(provider);
      return () => metrics.disable();
    },
  };
}
