import type { JetStreamManager } from '@nats-io/jetstream';
import type { LagSample } from '../scaling/lag-sample.ts';

/**
 * One reading of the consumer's lag and progress counters. Never throws: a
 * failure (NATS unreachable, consumer gone) is a sample of its own, on which
 * the decision function holds.
 */
export async function readLag(jsm: JetStreamManager, stream: string, consumer: string, readyReplicas: number, now: () => number): Promise<LagSample> {
  try {
    const info = await jsm.consumers.info(stream, consumer);
    return {
      ok: true,
      atMs: now(),
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      deliveredSeq: info.delivered.stream_seq,
      ackFloorSeq: info.ack_floor.stream_seq,
      replicas: readyReplicas,
    };
  } catch (err) {
    return { ok: false, atMs: now(), error: (err as Error).message };
  }
}
