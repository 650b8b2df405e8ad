import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createClickHouse } from '@adstream/shared/clickhouse';
import { ensureDeadLetterStream, ensureTopology } from '@adstream/shared/jetstream-topology';
import { createLogger } from '@adstream/shared/logger';
import { migrate } from '@adstream/shared/migrate';
import { connectNats } from '@adstream/shared/nats-connection';
import { exitOnStartupError, onShutdown } from '@adstream/shared/shutdown';
import { servicePackageVersion, startTelemetry } from '@adstream/shared/telemetry/start-telemetry';
import { topologyFromEnv } from '@adstream/shared/topology-config';
import { loadProcessorConfig } from './config.ts';
import { ConsumerLoop } from './consumer-loop.ts';
import { JetStreamDeadLetterSink } from './dead-letter.ts';
import { buildHealthServer } from './health-server.ts';
import { ClickHouseEventStore } from './event-store.ts';
import { InstrumentedEventStore } from './instrumented-event-store.ts';
import { observeConsumerLag } from './consumer-lag.ts';
import { BatchPipeline } from './pipeline.ts';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'adstream-processor', version: servicePackageVersion(import.meta.url) });
  const config = loadProcessorConfig();
  const topology = topologyFromEnv();
  const log = createLogger('processor', config.LOG_LEVEL);
  const clickhouse = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    requestTimeoutMs: config.CLICKHOUSE_TIMEOUT_MS,
  });
  if (config.MIGRATE_ON_START) {
    const result = await migrate(clickhouse, config.CLICKHOUSE_DATABASE);
    log.info(result, 'ClickHouse migrations');
  }
  const nc = await connectNats(config.NATS_URL, config.NATS_NAME, log);
  if (config.JETSTREAM_PROVISION) await ensureTopology(await jetstreamManager(nc), topology);
  else await ensureDeadLetterStream(await jetstreamManager(nc), topology);
  const consumer = await jetstream(nc).consumers.get(topology.stream, topology.consumer);
  observeConsumerLag(() => consumer.info(), { stream: topology.stream, consumer: topology.consumer });
  let stopping = false;
  const pipeline = new BatchPipeline({
    store: new InstrumentedEventStore(
      new ClickHouseEventStore(clickhouse, {
        url: config.CLICKHOUSE_URL,
        username: config.CLICKHOUSE_USER,
        password: config.CLICKHOUSE_PASSWORD,
        database: config.CLICKHOUSE_DATABASE,
        timeoutMs: config.CLICKHOUSE_TIMEOUT_MS,
      }),
    ),
    deadLetters: new JetStreamDeadLetterSink(nc, topology.subjectPrefix),
    log,
    backoff: { initialMs: config.RETRY_INITIAL_MS, maxMs: config.RETRY_MAX_MS },
    maxAttempts: config.MAX_ATTEMPTS,
    isStopping: () => stopping,
  });
  const loop = new ConsumerLoop({
    consumer,
    pipeline,
    limits: { maxRows: config.BATCH_MAX_ROWS, maxBytes: config.BATCH_MAX_BYTES, maxAgeMs: config.FLUSH_INTERVAL_MS },
    prefetchMessages: config.PREFETCH_MESSAGES,
    ackWaitMs: topology.ackWaitMs,
    log,
  });
  const health = await buildHealthServer(async () => !stopping && !nc.isClosed() && (await clickhouse.ping()).success);
  onShutdown(log, config.SHUTDOWN_GRACE_MS, async () => {
    stopping = true;
    await health.close();
    await loop.stop();
    await nc.drain();
    await clickhouse.close();
    await telemetry.shutdown();
  });
  const consuming = loop.start();
  await health.listen({ port: config.HEALTH_PORT, host: config.HOST });
  log.info({ stream: topology.stream, consumer: topology.consumer }, 'processor consuming');
  await consuming;
}

main().catch((err: unknown) => exitOnStartupError('processor', err));
