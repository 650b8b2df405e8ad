import type { Logger } from '@adstream/shared/logger';
import { pipelineKey, type EventPipeline } from '../crd/event-pipeline.ts';
import type { OperatorMetrics } from '../metrics/operator-metrics.ts';
import type { LeaderElector } from './leader-elector.ts';
import type { PipelineInformer } from './pipeline-informer.ts';
import { NotLeaderError, newPipelineState, type PipelineReconciler, type PipelineState } from './pipeline-reconciler.ts';

/** A reconcile round that failed is retried after this long. */
const ERROR_RETRY_MS = 5_000;
const SCHEDULER_TICK_MS = 250;

interface Entry {
  state: PipelineState;
  generation: number;
  nextDueMs: number;
  running: Promise<void> | undefined;
}

export interface ControllerDeps {
  informer: PipelineInformer;
  reconciler: PipelineReconciler;
  elector: LeaderElector;
  metrics: OperatorMetrics;
  log: Logger;
  now: () => number;
  retryPeriodMs: number;
}

/**
 * Thin loop around the reconciler: every replica keeps the EventPipeline
 * cache warm and takes part in leader election; only the leader reconciles,
 * each pipeline every poll interval and at once when its spec changes or it
 * is being deleted. Leadership lost or gained starts every pipeline afresh.
 */
export class OperatorController {
  private readonly d: ControllerDeps;
  private readonly entries = new Map<string, Entry>();
  private timers: NodeJS.Timeout[] = [];
  private electing: Promise<void> | undefined;
  private stopped = false;

  constructor(deps: ControllerDeps) {
    this.d = deps;
    const wake = (p: EventPipeline) => {
      const e = this.entries.get(p.metadata.uid);
      if (e === undefined) return;
      if (p.metadata.generation !== e.generation || p.metadata.deletionTimestamp !== undefined) e.nextDueMs = 0;
    };
    deps.informer.on('update', wake);
    deps.informer.on('delete', (p) => {
      this.entries.delete(p.metadata.uid);
      deps.metrics.forget(pipelineKey(p));
    });
  }

  /** Leadership changes call this (LeaderElector's callbacks). */
  leadershipChanged(leading: boolean): void {
    this.entries.clear();
    this.d.metrics.setLeading(leading);
    this.d.log.info({ leading }, leading ? 'became the leader: reconciling' : 'not the leader: standing by');
  }

  async start(): Promise<void> {
    await this.d.informer.start();
    const electLoop = () => {
      if (this.stopped) return;
      this.electing = this.d.elector.tick().finally(() => {
        this.electing = undefined;
        if (!this.stopped) this.timers.push(setTimeout(electLoop, this.d.retryPeriodMs));
      });
    };
    electLoop();
    this.timers.push(setInterval(() => this.schedule(), SCHEDULER_TICK_MS));
  }

  ready(): boolean {
    return this.d.informer.synced();
  }

  /** Stops reconciling, lets rounds in flight finish, and hands the lease over. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.electing;
    await Promise.all([...this.entries.values()].map((e) => e.running));
    await this.d.informer.stop();
    await this.d.elector.release();
  }

  private schedule(): void {
    if (this.stopped || !this.d.elector.isLeader()) return;
    const now = this.d.now();
    const present = new Set<string>();
    for (const p of this.d.informer.list()) {
      present.add(p.metadata.uid);
      let e = this.entries.get(p.metadata.uid);
      if (e === undefined) {
        e = { state: newPipelineState(p), generation: p.metadata.generation, nextDueMs: 0, running: undefined };
        this.entries.set(p.metadata.uid, e);
      }
      if (e.running === undefined && e.nextDueMs <= now) e.running = this.run(p, e);
    }
    for (const uid of this.entries.keys()) if (!present.has(uid)) this.entries.delete(uid);
  }

  private async run(p: EventPipeline, e: Entry): Promise<void> {
    try {
      e.generation = p.metadata.generation;
      const { nextInMs } = await this.d.reconciler.reconcile(p, e.state);
      e.nextDueMs = this.d.now() + nextInMs;
    } catch (err) {
      e.nextDueMs = this.d.now() + ERROR_RETRY_MS;
      if (!(err instanceof NotLeaderError)) {
        this.d.metrics.error(pipelineKey(p), (err as Error).name ?? 'Error');
        this.d.log.warn({ err, pipeline: pipelineKey(p) }, 'reconcile failed; retrying');
      }
    } finally {
      e.running = undefined;
    }
  }
}
