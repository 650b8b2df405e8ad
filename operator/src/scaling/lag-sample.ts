/** One reading of the consumer's state from JetStream, taken every poll interval. */
export interface LagReading {
  ok: true;
  atMs: number;
  /** Messages not yet delivered to any replica (num_pending). */
  pending: number;
  /** Messages delivered and not yet acknowledged (num_ack_pending). */
  ackPending: number;
  /** Stream sequence of the newest message delivered (delivered.stream_seq). */
  deliveredSeq: number;
  /** Stream sequence up to which every message is acknowledged (ack_floor.stream_seq). */
  ackFloorSeq: number;
  /** Ready replicas of the Deployment when the reading was taken: the ones doing the work. */
  replicas: number;
}

/** A poll that could not read the consumer (NATS unreachable, consumer missing). */
export interface LagReadFailure {
  ok: false;
  atMs: number;
  error: string;
}

export type LagSample = LagReading | LagReadFailure;

export const lagOf = (r: LagReading) => r.pending + r.ackPending;

/** Stream position of the newest message the consumer will see; its growth is the arrival count. */
export const headSeq = (r: LagReading) => r.deliveredSeq + r.pending;

/** A raw (clamped, not yet stabilized) replica recommendation, kept for the stabilization windows. */
export interface Recommendation {
  atMs: number;
  replicas: number;
}
