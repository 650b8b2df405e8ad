import { makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '@adstream/shared/logger';
import type { EventPipeline } from '../crd/event-pipeline.ts';
import type { KubeClient } from './kube-client.ts';

/** Delay before a failed list/watch starts over; client-node's informer stops on errors other than timeouts and 410. */
const RESTART_DELAY_MS = 2_000;

export interface PipelineInformer {
  list(): EventPipeline[];
  /** True once the first list has completed. */
  synced(): boolean;
  on(event: 'add' | 'update' | 'delete', cb: (p: EventPipeline) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * EventPipelines of one namespace (or all), kept current by list + watch.
 * client-node resumes the watch from the last resourceVersion when the
 * connection closes and lists afresh after a 410; any other error (API
 * server down, connection refused) restarts the whole list + watch here.
 */
export function pipelineInformer(config: KubeConfig, kube: KubeClient, namespace: string | undefined, log: Logger): PipelineInformer {
  let listed = false;
  let stopped = false;
  // The watch hands over the API server's JSON as is (timestamps stay strings), which is what EventPipeline describes.
  const informer = makeInformer<KubernetesObject>(config, kube.pipelinesPath(namespace), async () => {
    const list = await kube.call<KubernetesListObject<KubernetesObject>>('listEventPipelines', { namespace });
    listed = true;
    return list;
  });
  const asPipeline = (o: KubernetesObject) => o as unknown as EventPipeline;
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    log.warn({ err }, 'EventPipeline watch failed; starting over');
    setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => log.warn({ err: e }, 'EventPipeline watch restart failed'));
    }, RESTART_DELAY_MS).unref();
  });
  return {
    list: () => informer.list().map(asPipeline),
    synced: () => listed,
    on: (event, cb) => informer.on(event, (o) => cb(asPipeline(o))),
    start: async () => {
      stopped = false;
      await informer.start();
    },
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  };
}
