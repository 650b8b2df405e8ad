import { context, propagation, trace } from '@opentelemetry/api';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { setTracingEnabled } from '../src/telemetry/tracing.ts';

export interface TracingKit {
  spans(): ReadableSpan[];
  byName(name: string): ReadableSpan[];
  stop(): Promise<void>;
}

/** The real SDK with W3C propagation and async context, exporting spans to memory. */
export function startTestTracing(): TracingKit {
  const exporter = new InMemorySpanExporter();
  const sdk = startNodeSdk({
    logLevel: 'error',
    resourceDetectors: [],
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  setTracingEnabled(true);
  return {
    spans: () => exporter.getFinishedSpans(),
    byName: (name) => exporter.getFinishedSpans().filter((s) => s.name === name),
    stop: async () => {
      setTracingEnabled(false);
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
