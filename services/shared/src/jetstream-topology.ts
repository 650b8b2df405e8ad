import { createHash } from 'node:crypto';
import { AckPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/**
 * The JetStream objects the pipeline relies on. In a cluster the operator owns
 * them; locally and in tests the services create them at start-up
 * (`JETSTREAM_PROVISION=true`), which is idempotent.
 */
export interface TopologyConfig {
  stream: string;
  subjectPrefix: string;
  deadLetterStream: string;
  consumer: string;
  replicas: number;
  maxBytes: number;
  maxMsgSize: number;
  duplicateWindowMs: number;
  ackWaitMs: number;
  maxAckPending: number;
}

export const eventSubject = (cfg: Pick<TopologyConfig, 'subjectPrefix'>, tenantToken: string) => `${cfg.subjectPrefix}.events.${tenantToken}`;
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The subject a tenant's events travel on. Tenant names that are not valid
 * subject tokens are hashed; ingest publishes on it and the query service's
 * stats filter the stream by it, so both must use this one definition.
 */
export function tenantEventSubject(subjectPrefix: string, tenant: string): string {
  const token = SAFE_TOKEN.test(tenant) ? tenant : `h${createHash('sha256').update(tenant).digest('hex').slice(0, 24)}`;
  return eventSubject({ subjectPrefix }, token);
}

export const deadLetterSubject = (cfg: Pick<TopologyConfig, 'subjectPrefix'>, reason: string) => `${cfg.subjectPrefix}.deadletter.${reason}`;

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.status === 404;
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, config);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(config);
  }
}

/**
 * The processor's own output stream. The operator provisions only the events
 * stream and its consumer, so the processor ensures this one even when
 * `JETSTREAM_PROVISION=false`; without it dead-lettering would fail in a cluster.
 */
export async function ensureDeadLetterStream(jsm: JetStreamManager, cfg: TopologyConfig): Promise<void> {
  await ensureStream(jsm, {
    name: cfg.deadLetterStream,
    subjects: [`${cfg.subjectPrefix}.deadletter.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: cfg.replicas,
    max_age: nanos(14 * 24 * 3600 * 1000),
  });
}

export async function ensureTopology(jsm: JetStreamManager, cfg: TopologyConfig): Promise<void> {
  await ensureStream(jsm, {
    name: cfg.stream,
    subjects: [`${cfg.subjectPrefix}.events.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    // A full stream must refuse new data (ingest answers 503) rather than drop old, unprocessed events.
    discard: DiscardPolicy.New,
    num_replicas: cfg.replicas,
    max_bytes: cfg.maxBytes,
    max_msg_size: cfg.maxMsgSize,
    duplicate_window: nanos(cfg.duplicateWindowMs),
  });
  await ensureDeadLetterStream(jsm, cfg);
  const consumer = {
    durable_name: cfg.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(cfg.ackWaitMs),
    max_ack_pending: cfg.maxAckPending,
    filter_subject: `${cfg.subjectPrefix}.events.>`,
  };
  try {
    await jsm.consumers.info(cfg.stream, cfg.consumer);
    await jsm.consumers.update(cfg.stream, cfg.consumer, { ack_wait: consumer.ack_wait, max_ack_pending: consumer.max_ack_pending });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(cfg.stream, consumer);
  }
}
