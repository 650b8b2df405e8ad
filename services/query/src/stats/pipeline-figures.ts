import type { PipelineStats } from './stats-schema.ts';

/** The parts of JetStream's stream and consumer info the figures use; null when JetStream did not answer. */
export interface PipelineObservation {
  stream: string;
  consumer: string;
  streamState: { messages: number; bytes: number } | null;
  consumerState: { num_pending: number; num_ack_pending: number; num_redelivered: number } | null;
  messagesInPerSecond: number | null;
}

export function pipelineFigures(o: PipelineObservation): PipelineStats {
  return {
    stream: o.stream,
    consumer: o.consumer,
    stream_messages: o.streamState?.messages ?? null,
    stream_bytes: o.streamState?.bytes ?? null,
    consumer_num_pending: o.consumerState?.num_pending ?? null,
    consumer_num_ack_pending: o.consumerState?.num_ack_pending ?? null,
    consumer_num_redelivered: o.consumerState?.num_redelivered ?? null,
    messages_in_per_second: o.messagesInPerSecond === null ? null : Math.round(Math.max(0, o.messagesInPerSecond) * 100) / 100,
  };
}
