import { z } from 'zod';
import { envInt, parseEnv } from './env.ts';
import type { TopologyConfig } from './jetstream-topology.ts';

const name = (fallback: string) => z.string().regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, - and _').default(fallback);

/** JetStream names and limits, shared by every service so they agree on them. */
export const topologyEnvSchema = z.object({
  JETSTREAM_STREAM: name('ADSTREAM_EVENTS'),
  JETSTREAM_DEADLETTER_STREAM: name('ADSTREAM_DEADLETTER'),
  JETSTREAM_CONSUMER: name('processor'),
  JETSTREAM_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated subject tokens').default('adstream'),
  JETSTREAM_REPLICAS: envInt(1, 1, 5),
  JETSTREAM_MAX_BYTES: envInt(-1, -1, Number.MAX_SAFE_INTEGER),
  JETSTREAM_MAX_MSG_SIZE: envInt(-1, -1, 64 * 1024 * 1024),
  JETSTREAM_DUPLICATE_WINDOW_MS: envInt(120_000, 1_000, 86_400_000),
  JETSTREAM_ACK_WAIT_MS: envInt(60_000, 1_000, 3_600_000),
  JETSTREAM_MAX_ACK_PENDING: envInt(2_000, 1, 1_000_000),
});

export function topologyFromEnv(env: NodeJS.ProcessEnv = process.env): TopologyConfig {
  const c = parseEnv(topologyEnvSchema, env);
  return {
    stream: c.JETSTREAM_STREAM,
    deadLetterStream: c.JETSTREAM_DEADLETTER_STREAM,
    consumer: c.JETSTREAM_CONSUMER,
    subjectPrefix: c.JETSTREAM_SUBJECT_PREFIX,
    replicas: c.JETSTREAM_REPLICAS,
    maxBytes: c.JETSTREAM_MAX_BYTES,
    maxMsgSize: c.JETSTREAM_MAX_MSG_SIZE,
    duplicateWindowMs: c.JETSTREAM_DUPLICATE_WINDOW_MS,
    ackWaitMs: c.JETSTREAM_ACK_WAIT_MS,
    maxAckPending: c.JETSTREAM_MAX_ACK_PENDING,
  };
}
