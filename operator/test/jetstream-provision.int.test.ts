import { jetstream, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from '../../scripts/lib/nats-server.ts';
import { makeTempDir, removeTempDir } from '../../scripts/lib/temp-dir.ts';
import { eventPipelineSpecSchema, type EventPipelineSpec } from '../src/crd/event-pipeline-spec.ts';
import { readLag } from '../src/jetstream/lag-reader.ts';
import { deleteOwnedJetStream, ensureJetStream } from '../src/jetstream/provision.ts';

let dir: string;
let nats: NatsHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;

const spec = (name: string, extra: Record<string, unknown> = {}): EventPipelineSpec =>
  eventPipelineSpecSchema.parse({ stream: { name, subjects: [`${name}.>`], ...extra }, processor: { deploymentName: 'processor' } });

beforeAll(async () => {
  dir = await makeTempDir('operator-jetstream');
  nats = await startNats({ dataDir: dir, syncAlways: false });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  if (dir) await removeTempDir(dir);
});

describe('JetStream provisioning on a real nats-server', () => {
  it('creates the stream and consumer it declares, marked as its own', async () => {
    const r = await ensureJetStream(jsm, spec('CREATE', { maxAge: '1h', duplicateWindow: '30s' }), 'uid-1');
    expect(r).toMatchObject({ streamCreated: true, consumerCreated: true, streamOwned: true, consumerOwned: true, immutable: [] });
    const info = await jsm.streams.info('CREATE');
    expect(info.config).toMatchObject({ subjects: ['CREATE.>'], retention: 'workqueue', storage: 'file', discard: 'new', max_age: 3_600_000_000_000, duplicate_window: 30_000_000_000 });
    const consumer = await jsm.consumers.info('CREATE', 'processor');
    expect(consumer.config).toMatchObject({ ack_policy: 'explicit', ack_wait: 60_000_000_000, max_ack_pending: 2000 });
  });

  it('changes nothing the second time', async () => {
    const r = await ensureJetStream(jsm, spec('CREATE', { maxAge: '1h', duplicateWindow: '30s' }), 'uid-1');
    expect(r).toMatchObject({ streamCreated: false, consumerCreated: false, streamOwned: true, consumerOwned: true, updated: [], immutable: [] });
  });

  it('updates what JetStream lets change', async () => {
    const s = spec('CREATE', { maxAge: '2h', duplicateWindow: '30s', subjects: ['CREATE.>', 'EXTRA.>'] });
    const r = await ensureJetStream(jsm, { ...s, consumer: { ...s.consumer, ackWait: '5s', maxAckPending: 500 } }, 'uid-1');
    expect(r.updated.sort()).toEqual(['consumer.ack_wait', 'consumer.max_ack_pending', 'stream.max_age', 'stream.subjects']);
    expect((await jsm.streams.info('CREATE')).config).toMatchObject({ max_age: 7_200_000_000_000, subjects: ['CREATE.>', 'EXTRA.>'] });
    expect((await jsm.consumers.info('CREATE', 'processor')).config).toMatchObject({ ack_wait: 5_000_000_000, max_ack_pending: 500 });
  });

  it('reports what it cannot change, adopts an existing stream, and never claims it', async () => {
    await jsm.streams.add({ name: 'EXISTING', subjects: ['EXISTING.>'], storage: StorageType.Memory });
    const r = await ensureJetStream(jsm, spec('EXISTING'), 'uid-2');
    expect(r).toMatchObject({ streamCreated: false, streamOwned: false, consumerCreated: true, consumerOwned: true });
    expect(r.immutable).toEqual([
      'stream EXISTING: storage is "memory", the spec asks for "file"',
      'stream EXISTING: retention is "limits", the spec asks for "workqueue"',
    ]);
    expect(r.updated).toEqual(['stream.discard']);
  });

  it('deletes only what the EventPipeline created', async () => {
    expect(await deleteOwnedJetStream(jsm, spec('EXISTING'), 'uid-2')).toEqual(['consumer processor']);
    expect((await jsm.streams.info('EXISTING')).config.name).toBe('EXISTING');
    expect(await deleteOwnedJetStream(jsm, spec('CREATE'), 'someone-else')).toEqual([]);
    expect(await deleteOwnedJetStream(jsm, spec('CREATE'), 'uid-1')).toEqual(['consumer processor', 'stream CREATE']);
    await expect(jsm.streams.info('CREATE')).rejects.toThrow(/stream not found/);
  });

  it('reads lag and progress counters from the consumer', async () => {
    await ensureJetStream(jsm, spec('LAG'), 'uid-3');
    const js = jetstream(nc);
    for (let i = 0; i < 10; i++) await js.publish(`LAG.x`, `m${i}`);
    const consumer = await js.consumers.get('LAG', 'processor');
    const batch = await consumer.fetch({ max_messages: 4, expires: 2000 });
    const got = [];
    for await (const m of batch) got.push(m);
    got[0]!.ack();
    got[1]!.ack();
    await got[1]!.ackAck();
    const sample = await readLag(jsm, 'LAG', 'processor', 2, () => 1234);
    expect(sample).toEqual({ ok: true, atMs: 1234, pending: 6, ackPending: 2, deliveredSeq: 4, ackFloorSeq: 2, replicas: 2 });
  });

  it('turns a missing consumer into a failed sample instead of throwing', async () => {
    const sample = await readLag(jsm, 'LAG', 'nobody', 1, () => 99);
    expect(sample).toMatchObject({ ok: false, atMs: 99 });
    expect((sample as { error: string }).error).toMatch(/consumer not found/);
  });
});
