import { describe, expect, it } from 'vitest';
import { telemetrySettings } from '../src/telemetry/telemetry-env.ts';
import { resourceAttributes } from '../src/telemetry/resource-attributes.ts';
import { freshnessSeconds } from '../src/telemetry/freshness.ts';

describe('telemetrySettings', () => {
  it('serves metrics on the service default port and keeps traces off when nothing is set', () => {
    expect(telemetrySettings('adstream-ingest', {})).toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0', traces: false, disabled: false });
    expect(telemetrySettings('adstream-processor', {}).metricsPort).toBe(9465);
    expect(telemetrySettings('adstream-query', {}).metricsPort).toBe(9466);
  });

  it('METRICS_PORT=0 turns metrics off', () => {
    expect(telemetrySettings('adstream-ingest', { METRICS_PORT: '0' }).metricsPort).toBe(0);
  });

  it('turns traces on for an OTLP endpoint or an explicit exporter, and off for none', () => {
    expect(telemetrySettings('adstream-ingest', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).traces).toBe(true);
    expect(telemetrySettings('adstream-ingest', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).traces).toBe(true);
    expect(telemetrySettings('adstream-ingest', { OTEL_TRACES_EXPORTER: 'otlp' }).traces).toBe(true);
    expect(telemetrySettings('adstream-ingest', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).traces).toBe(false);
  });

  it('OTEL_SDK_DISABLED switches off metrics and traces whatever else is set', () => {
    const s = telemetrySettings('adstream-ingest', { OTEL_SDK_DISABLED: 'true', METRICS_PORT: '9000', OTEL_TRACES_EXPORTER: 'otlp' });
    expect(s).toMatchObject({ disabled: true, metricsPort: 0, traces: false });
  });

  it('names the variable in a bad value', () => {
    expect(() => telemetrySettings('adstream-ingest', { METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: must be ≤ 65535/);
    expect(() => telemetrySettings('adstream-ingest', { OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => telemetrySettings('adstream-ingest', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL/);
    expect(() => telemetrySettings('adstream-ingest', { OTEL_LOG_LEVEL: 'loud' })).toThrow(/OTEL_LOG_LEVEL: must be one of/);
  });

  it('reads the SDK log level in either case, quiet by default', () => {
    expect(telemetrySettings('adstream-ingest', {}).otelLogLevel).toBe('warn');
    expect(telemetrySettings('adstream-ingest', { OTEL_LOG_LEVEL: 'DEBUG' }).otelLogLevel).toBe('debug');
  });
});

describe('resourceAttributes', () => {
  it('names the pod as the instance in Kubernetes', () => {
    expect(resourceAttributes({ serviceName: 'adstream-ingest', version: '1.2.3', podName: 'ingest-7f9c', podNamespace: 'ads' })).toEqual({
      'service.namespace': 'adstream',
      'service.name': 'adstream-ingest',
      'service.version': '1.2.3',
      'k8s.pod.name': 'ingest-7f9c',
      'k8s.namespace.name': 'ads',
      'service.instance.id': 'ads/ingest-7f9c',
    });
  });

  it('uses host and pid outside Kubernetes', () => {
    const attrs = resourceAttributes({ serviceName: 'adstream-query', version: '0.1.0', podName: undefined, podNamespace: undefined, host: 'laptop', pid: 42 });
    expect(attrs['service.instance.id']).toBe('laptop/42');
    expect(attrs).not.toHaveProperty('k8s.pod.name');
  });
});

describe('freshnessSeconds', () => {
  it('is the time from the received-at header to storage, in seconds', () => {
    expect(freshnessSeconds('1700000000000', 1700000000250)).toBe(0.25);
  });

  it('ignores a missing or garbled header and never goes negative', () => {
    expect(freshnessSeconds(undefined, 1)).toBeUndefined();
    expect(freshnessSeconds('soon', 1)).toBeUndefined();
    expect(freshnessSeconds('1700000000500', 1700000000000)).toBe(0);
  });
});
