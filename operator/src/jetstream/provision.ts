import { JetStreamApiError, type ConsumerConfig, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { JETSTREAM_OWNER_KEY } from '../crd/api-group.ts';
import type { EventPipelineSpec } from '../crd/event-pipeline-spec.ts';
import { describeDiff, desiredConsumer, desiredStream, diffConsumer, diffStream, updateOf } from './desired-config.ts';

export interface ProvisionResult {
  streamCreated: boolean;
  consumerCreated: boolean;
  /** Created by this EventPipeline (its uid in the object's metadata), so deletionPolicy: Delete may remove it. */
  streamOwned: boolean;
  consumerOwned: boolean;
  /** Fields changed to match the spec, e.g. "stream.max_age". */
  updated: string[];
  /** Differences JetStream cannot apply to an existing object, as messages. */
  immutable: string[];
}

export const isJetStreamNotFound = (err: unknown) => err instanceof JetStreamApiError && err.status === 404;

const ownedBy = (metadata: Record<string, string> | undefined, uid: string) => metadata?.[JETSTREAM_OWNER_KEY] === uid;

/**
 * Makes the stream and the durable consumer match the spec: creates what is
 * missing (marked with the EventPipeline's uid), updates what JetStream lets
 * change, and reports the rest instead of deleting data to apply it.
 */
export async function ensureJetStream(jsm: JetStreamManager, spec: EventPipelineSpec, ownerUid: string): Promise<ProvisionResult> {
  const result: ProvisionResult = { streamCreated: false, consumerCreated: false, streamOwned: false, consumerOwned: false, updated: [], immutable: [] };
  const stream = desiredStream(spec.stream, ownerUid);
  const existingStream = await infoOrUndefined(() => jsm.streams.info(stream.name));
  if (existingStream === undefined) {
    await jsm.streams.add(stream);
    result.streamCreated = true;
    result.streamOwned = true;
  } else {
    result.streamOwned = ownedBy(existingStream.config.metadata, ownerUid);
    const diffs = diffStream(existingStream.config, stream);
    const update = updateOf(diffs);
    if (Object.keys(update).length > 0) {
      await jsm.streams.update(stream.name, update as Partial<StreamConfig>);
      result.updated.push(...Object.keys(update).map((f) => `stream.${f}`));
    }
    result.immutable.push(...diffs.filter((d) => !d.mutable).map((d) => describeDiff(`stream ${stream.name}`, d)));
  }

  const consumer = desiredConsumer(spec.consumer, ownerUid);
  const durable = spec.consumer.durableName;
  const existingConsumer = await infoOrUndefined(() => jsm.consumers.info(stream.name, durable));
  if (existingConsumer === undefined) {
    await jsm.consumers.add(stream.name, consumer);
    result.consumerCreated = true;
    result.consumerOwned = true;
  } else {
    result.consumerOwned = ownedBy(existingConsumer.config.metadata, ownerUid);
    const diffs = diffConsumer(existingConsumer.config, consumer);
    const update = updateOf(diffs);
    if (Object.keys(update).length > 0) {
      await jsm.consumers.update(stream.name, durable, update as Partial<ConsumerConfig>);
      result.updated.push(...Object.keys(update).map((f) => `consumer.${f}`));
    }
    result.immutable.push(...diffs.filter((d) => !d.mutable).map((d) => describeDiff(`consumer ${durable}`, d)));
  }
  return result;
}

/**
 * deletionPolicy: Delete. Removes the consumer and the stream, but only those
 * whose metadata names this EventPipeline: a stream that existed before (or
 * belongs to another EventPipeline) is never deleted with its data.
 */
export async function deleteOwnedJetStream(jsm: JetStreamManager, spec: EventPipelineSpec, ownerUid: string): Promise<string[]> {
  const deleted: string[] = [];
  const name = spec.stream.name;
  const consumer = await infoOrUndefined(() => jsm.consumers.info(name, spec.consumer.durableName));
  if (consumer !== undefined && ownedBy(consumer.config.metadata, ownerUid)) {
    await jsm.consumers.delete(name, spec.consumer.durableName);
    deleted.push(`consumer ${spec.consumer.durableName}`);
  }
  const stream = await infoOrUndefined(() => jsm.streams.info(name));
  if (stream !== undefined && ownedBy(stream.config.metadata, ownerUid)) {
    await jsm.streams.delete(name);
    deleted.push(`stream ${name}`);
  }
  return deleted;
}

async function infoOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isJetStreamNotFound(err)) return undefined;
    throw err;
  }
}
