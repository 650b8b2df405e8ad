import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from '../../../scripts/lib/nats-server.ts';
import { makeTempDir, removeTempDir } from '../../../scripts/lib/temp-dir.ts';
import { ensureDeadLetterStream, ensureTopology } from '../src/jetstream-topology.ts';
import { topologyFromEnv } from '../src/topology-config.ts';

describe('JetStream topology on a real nats-server', () => {
  let dir: string;
  let nats: NatsHandle;
  let nc: NatsConnection;
  const topology = topologyFromEnv({});

  beforeAll(async () => {
    dir = await makeTempDir('topology');
    nats = await startNats({ dataDir: dir });
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
    await removeTempDir(dir);
  });

  it('ensures only the dead-letter stream when the operator owns the events stream, idempotently', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureDeadLetterStream(jsm, topology);
    await ensureDeadLetterStream(jsm, topology);
    const names: string[] = [];
    for await (const info of jsm.streams.list()) names.push(info.config.name);
    expect(names).toEqual([topology.deadLetterStream]);
    const info = await jsm.streams.info(topology.deadLetterStream);
    expect(info.config.subjects).toEqual([`${topology.subjectPrefix}.deadletter.>`]);
  });

  it('ensureTopology adds the events stream and consumer next to an existing dead-letter stream', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureTopology(jsm, topology);
    const names: string[] = [];
    for await (const info of jsm.streams.list()) names.push(info.config.name);
    expect(names.sort()).toEqual([topology.deadLetterStream, topology.stream].sort());
    expect((await jsm.consumers.info(topology.stream, topology.consumer)).config.durable_name).toBe(topology.consumer);
  });
});
