import { jetstreamManager } from '@nats-io/jetstream';
import { ApiKeyStore } from '@adstream/shared/api-keys';
import { ensureTopology } from '@adstream/shared/jetstream-topology';
import { createLogger } from '@adstream/shared/logger';
import { connectNats } from '@adstream/shared/nats-connection';
import { exitOnStartupError, onShutdown } from '@adstream/shared/shutdown';
import { servicePackageVersion, startTelemetry } from '@adstream/shared/telemetry/start-telemetry';
import { topologyFromEnv } from '@adstream/shared/topology-config';
import { buildIngestApp } from './app.ts';
import { loadIngestConfig } from './config.ts';
import { JetStreamPublisher } from './publisher.ts';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'adstream-ingest', version: servicePackageVersion(import.meta.url) });
  const config = loadIngestConfig();
  const topology = topologyFromEnv();
  const log = createLogger('ingest', config.LOG_LEVEL);
  const keys = await ApiKeyStore.fromFile(config.API_KEYS_FILE);
  const nc = await connectNats(config.NATS_URL, config.NATS_NAME, log);
  if (config.JETSTREAM_PROVISION) await ensureTopology(await jetstreamManager(nc), topology);
  const publisher = new JetStreamPublisher(nc, { stream: topology.stream, subjectPrefix: topology.subjectPrefix, timeoutMs: config.PUBLISH_TIMEOUT_MS });
  const app = await buildIngestApp({
    keys,
    publisher,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    maxDecompressedBytes: config.MAX_DECOMPRESSED_BYTES,
    maxEventsPerRequest: config.MAX_EVENTS_PER_REQUEST,
    rateLimitPerKeyRps: config.RATE_LIMIT_PER_KEY_RPS,
    logger: log,
  });
  onShutdown(log, config.SHUTDOWN_GRACE_MS, async () => {
    // close() stops accepting, answers 503 to new requests on open connections,
    // and waits for in-flight requests, whose publishes finish first.
    await app.close();
    await nc.drain();
    await telemetry.shutdown();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((err: unknown) => exitOnStartupError('ingest', err));
