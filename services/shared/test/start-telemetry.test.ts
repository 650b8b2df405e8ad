import { createServer, type Server } from 'node:net';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { adstreamMeter } from '../src/telemetry/meter.ts';
import { servicePackageVersion, startTelemetry } from '../src/telemetry/start-telemetry.ts';
import { tracingEnabled } from '../src/telemetry/tracing.ts';

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

afterAll(() => {
  metrics.disable();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('startTelemetry', () => {
  it('with METRICS_PORT=0 and no OTEL_* settings starts nothing', async () => {
    const t = await startTelemetry({ serviceName: 'adstream-query', version: '0.1.0', env: { METRICS_PORT: '0' } });
    expect(t.settings.metricsPort).toBe(0);
    expect(tracingEnabled()).toBe(false);
    await t.shutdown();
  });

  it('refuses to start when the metrics port is taken, naming METRICS_PORT', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      await expect(startTelemetry({ serviceName: 'adstream-ingest', version: '0.1.0', env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' } })).rejects.toThrow(
        new RegExp(`METRICS_PORT ${port}: cannot listen`),
      );
    } finally {
      server.close();
    }
  });

  it('serves Prometheus text with the resource, runtime metrics and service_name on every series', async () => {
    const { server, port } = await listenOnFreePort();
    await new Promise((r) => server.close(r));
    const t = await startTelemetry({
      serviceName: 'adstream-processor',
      version: '9.9.9',
      env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', POD_NAME: 'processor-0', POD_NAMESPACE: 'ads' },
    });
    try {
      adstreamMeter().createCounter('adstream.processor.events.stored').add(7);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^target_info\{.*service_name="adstream-processor".*\} 1$/m);
      expect(text).toMatch(/^target_info\{.*service_version="9\.9\.9".*k8s_pod_name="processor-0".*\} 1$/m);
      expect(text).toMatch(/^adstream_processor_events_stored_total\{service_name="adstream-processor"\} 7$/m);
      expect(text).toMatch(/^process_cpu_time_total\{cpu_mode="user",service_name="adstream-processor"\} [\d.e+-]+$/m);
      expect(text).toMatch(/^process_memory_usage\{service_name="adstream-processor"\} \d+$/m);
      expect(tracingEnabled()).toBe(false);
    } finally {
      await t.shutdown();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('servicePackageVersion', () => {
  it('reads the version of the package.json beside src/', () => {
    expect(servicePackageVersion(new URL('../../ingest/src/main.ts', import.meta.url).href)).toMatch(/^\d+\.\d+\.\d+/);
  });
});
