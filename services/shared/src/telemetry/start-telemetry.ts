import { readFileSync } from 'node:fs';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { adstreamMeter } from './meter.ts';
import { histogramViews } from './histogram-buckets.ts';
import { resourceAttributes } from './resource-attributes.ts';
import { observeRuntime } from './runtime-metrics.ts';
import { telemetrySettings, type ServiceName, type TelemetrySettings } from './telemetry-env.ts';
import { setTracingEnabled } from './tracing.ts';

export interface TelemetryOptions {
  serviceName: ServiceName;
  version: string;
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  readonly settings: TelemetrySettings;
  /** Flushes spans still queued and closes the /metrics port. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry before the service builds anything: a Prometheus
 * endpoint on METRICS_PORT (0 turns metrics off) and, only when the OTEL_*
 * variables ask for it, an OTLP span exporter. Rejects when the metrics port
 * cannot be bound, so a pod never runs invisible to Prometheus.
 */
export async function startTelemetry(o: TelemetryOptions): Promise<Telemetry> {
  const settings = telemetrySettings(o.serviceName, o.env);
  if (settings.disabled || (settings.metricsPort === 0 && !settings.traces)) {
    setTracingEnabled(false);
    return { settings, shutdown: async () => {} };
  }
  const readers: PrometheusExporter[] = [];
  if (settings.metricsPort > 0) {
    const exporter = new PrometheusExporter({
      port: settings.metricsPort,
      host: settings.metricsHost,
      preventServerStart: true,
      // service_name on every series lets dashboards select a service whatever the scrape job is called.
      withResourceConstantLabels: /^service\.name$/,
      withoutScopeInfo: true,
    });
    try {
      await exporter.startServer();
    } catch (err) {
      throw new Error(`METRICS_PORT ${settings.metricsPort}: cannot listen on ${settings.metricsHost}: ${(err as Error).message}`, { cause: err });
    }
    readers.push(exporter);
  }
  const sdk = startNodeSdk({
    logLevel: settings.otelLogLevel,
    resourceAttributes: resourceAttributes({ serviceName: o.serviceName, version: o.version, podName: settings.podName, podNamespace: settings.podNamespace }),
    resourceDetectors: [],
    metricReaders: readers,
    views: histogramViews(),
    // Undefined lets the SDK build the exporters OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_* describe.
    spanProcessors: settings.traces ? undefined : [],
    logRecordProcessors: [],
  });
  if (readers.length > 0) observeRuntime(adstreamMeter());
  setTracingEnabled(settings.traces);
  return {
    settings,
    shutdown: async () => {
      setTracingEnabled(false);
      await sdk.shutdown();
    },
  };
}

/** The `version` of the package.json next to a service's src/ folder, given its main module's URL. */
export function servicePackageVersion(mainModuleUrl: string): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', mainModuleUrl), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
