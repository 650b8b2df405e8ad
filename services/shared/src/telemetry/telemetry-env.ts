import { z } from 'zod';
import { envBool, envInt, parseEnv } from '../env.ts';

export type ServiceName = 'adstream-ingest' | 'adstream-processor' | 'adstream-query' | 'adstream-operator';

/** Each service has its own default, so the whole stack can run on one host without setting anything. */
export const DEFAULT_METRICS_PORT: Readonly<Record<ServiceName, number>> = {
  'adstream-ingest': 9464,
  'adstream-processor': 9465,
  'adstream-query': 9466,
  'adstream-operator': 9467,
};

const optionalUrl = z.url({ message: 'must be a URL' }).optional();

const telemetryEnvSchema = (defaultPort: number) =>
  z.object({
    METRICS_PORT: envInt(defaultPort, 0, 65535),
    METRICS_HOST: z.string().default('0.0.0.0'),
    OTEL_SDK_DISABLED: envBool(false),
    OTEL_TRACES_EXPORTER: z
      .string()
      .regex(/^\s*(otlp|console|none)(\s*,\s*(otlp|console|none))*\s*$/, { message: 'must be a comma-separated list of otlp, console, none' })
      .optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
    OTEL_LOG_LEVEL: z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'], { message: 'must be one of none, error, warn, info, debug, verbose, all' }))
      .default('warn'),
    POD_NAME: z.string().optional(),
    POD_NAMESPACE: z.string().optional(),
  });

export interface TelemetrySettings {
  /** 0: no Prometheus endpoint and no metrics SDK at all. */
  metricsPort: number;
  metricsHost: string;
  /** OTEL_SDK_DISABLED: neither metrics nor traces, whatever else is set. */
  disabled: boolean;
  /** Whether an OTLP (or console) span exporter was asked for. */
  traces: boolean;
  otelLogLevel: string;
  podName: string | undefined;
  podNamespace: string | undefined;
}

/**
 * Reads the telemetry settings. Traces follow the standard OTEL_* variables
 * but, unlike the SDK's own default, stay off unless asked for: an exporter
 * nobody listens to would cost every request a span for nothing.
 */
export function telemetrySettings(service: ServiceName, env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const e = parseEnv(telemetryEnvSchema(DEFAULT_METRICS_PORT[service]), env);
  const exporters = (e.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const endpointSet = e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
  const traces = exporters.length > 0 ? !exporters.includes('none') : endpointSet;
  return {
    metricsPort: e.OTEL_SDK_DISABLED ? 0 : e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    disabled: e.OTEL_SDK_DISABLED,
    traces: !e.OTEL_SDK_DISABLED && traces,
    otelLogLevel: e.OTEL_LOG_LEVEL,
    podName: e.POD_NAME,
    podNamespace: e.POD_NAMESPACE,
  };
}
