import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';
import { METRIC } from './metric-names.ts';

/**
 * CPU, memory and event-loop delay of the process, observed only when
 * Prometheus scrapes: nothing runs per request. A busy event loop is the
 * first thing to look at when a Node service's latency climbs.
 */
export function observeRuntime(meter: Meter): void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  meter
    .createObservableCounter(METRIC.processCpuTime, { unit: 's', description: 'CPU time of the process by mode' })
    .addCallback((result) => {
      const usage = process.cpuUsage();
      result.observe(usage.user / 1e6, { 'cpu.mode': 'user' });
      result.observe(usage.system / 1e6, { 'cpu.mode': 'system' });
    });
  meter
    .createObservableUpDownCounter(METRIC.processMemoryUsage, { unit: 'By', description: 'Resident set size of the process' })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
  meter
    .createObservableGauge(METRIC.eventLoopDelayP99, { unit: 's', description: 'p99 event-loop delay since the previous scrape' })
    .addCallback((result) => {
      // Before the first 20 ms sample the histogram reports its placeholder maximum.
      if (delay.count > 0) result.observe(delay.percentile(99) / 1e9);
      delay.reset();
    });
}
