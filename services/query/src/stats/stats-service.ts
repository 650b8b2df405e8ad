import type { ClickHouseClient } from '@clickhouse/client';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '@adstream/shared/api-keys';
import type { TopologyConfig } from '@adstream/shared/jetstream-topology';
import { RateSampler } from './rate-sampler.ts';
import { pipelineFigures } from './pipeline-figures.ts';
import type { PipelineStats, StatsBody, TenantStats } from './stats-schema.ts';
import { tenantFigures } from './tenant-figures.ts';
import { tenantStatsSql, windowBefore } from './tenant-stats-sql.ts';
import { tenantEventSubject } from '@adstream/shared/jetstream-topology';
import { TtlCache } from './ttl-cache.ts';

export interface JetStreamSource {
  /** Undefined while NATS is not configured or not (yet) connected. */
  manager(): JetStreamManager | undefined;
}

export interface StatsServiceOptions {
  clickhouse: ClickHouseClient;
  database: string;
  windowSeconds: number;
  jetstream?: JetStreamSource;
  topology: Pick<TopologyConfig, 'stream' | 'consumer' | 'subjectPrefix'>;
  log?: FastifyBaseLogger;
  now?: () => number;
}

/** Figures older than this are computed again; every caller in between shares them. */
const FRESH_MS = 1_000;

interface TenantRow {
  stored_total: string | number;
  received_in_window: string | number;
  newest_received_at: string | number;
}

/**
 * Computes the /v1/stats body: tenant figures from ClickHouse and JetStream,
 * pipeline figures from JetStream for admin keys. JetStream trouble makes
 * its figures null instead of failing the answer; ClickHouse trouble fails it
 * (500), like every other query route.
 */
export class StatsService {
  readonly #o: StatsServiceOptions;
  readonly #now: () => number;
  readonly #tenantCache: TtlCache<TenantStats>;
  readonly #pipelineCache: TtlCache<PipelineStats>;
  readonly #storedRates = new Map<string, RateSampler>();
  readonly #inRate: RateSampler;
  #jetstreamFailing = false;

  constructor(opts: StatsServiceOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#tenantCache = new TtlCache(FRESH_MS, this.#now);
    this.#pipelineCache = new TtlCache(FRESH_MS, this.#now);
    this.#inRate = new RateSampler(opts.windowSeconds * 1_000);
  }

  async get(principal: Principal): Promise<StatsBody> {
    const admin = principal.scopes.has('admin');
    const [tenant, pipeline] = await Promise.all([
      this.#tenantCache.get(principal.tenant, () => this.#tenant(principal.tenant)),
      admin ? this.#pipelineCache.get('', () => this.#pipeline()) : null,
    ]);
    return { window_seconds: this.#o.windowSeconds, tenant, pipeline };
  }

  async #tenant(tenant: string): Promise<TenantStats> {
    const nowMs = this.#now();
    const sql = tenantStatsSql(this.#o.database, tenant, windowBefore(nowMs, this.#o.windowSeconds));
    const [rows, pendingMessages] = await Promise.all([
      this.#o.clickhouse.query({ query: sql, format: 'JSONEachRow' }).then((r) => r.json<TenantRow>()),
      this.#pendingMessages(tenant),
    ]);
    const row = rows[0];
    const storedTotal = Number(row?.stored_total ?? 0);
    let sampler = this.#storedRates.get(tenant);
    if (sampler === undefined) this.#storedRates.set(tenant, (sampler = new RateSampler(this.#o.windowSeconds * 1_000)));
    return tenantFigures({
      nowMs,
      windowSeconds: this.#o.windowSeconds,
      receivedInWindow: Number(row?.received_in_window ?? 0),
      storedTotal,
      newestReceivedAtS: Number(row?.newest_received_at ?? 0),
      storedPerSecond: sampler.observe(nowMs, storedTotal),
      pendingMessages,
    });
  }

  /** The tenant's messages in the work-queue stream: acknowledged ones are gone, so what is left awaits a processor. */
  async #pendingMessages(tenant: string): Promise<number | null> {
    const jsm = this.#o.jetstream?.manager();
    if (jsm === undefined) return null;
    const subject = tenantEventSubject(this.#o.topology.subjectPrefix, tenant);
    const info = await this.#jetstreamCall(() => jsm.streams.info(this.#o.topology.stream, { subjects_filter: subject }));
    return info === null ? null : (info.state.subjects?.[subject] ?? 0);
  }

  async #pipeline(): Promise<PipelineStats> {
    const { stream, consumer } = this.#o.topology;
    const jsm = this.#o.jetstream?.manager();
    const [streamInfo, consumerInfo] = await Promise.all([
      jsm ? this.#jetstreamCall(() => jsm.streams.info(stream)) : null,
      jsm ? this.#jetstreamCall(() => jsm.consumers.info(stream, consumer)) : null,
    ]);
    return pipelineFigures({
      stream,
      consumer,
      streamState: streamInfo?.state ?? null,
      consumerState: consumerInfo,
      messagesInPerSecond: streamInfo ? this.#inRate.observe(this.#now(), streamInfo.state.last_seq) : null,
    });
  }

  /** Null instead of an error; logs when JetStream starts and stops failing, not on every request. */
  async #jetstreamCall<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      const result = await call();
      if (this.#jetstreamFailing) this.#o.log?.info('JetStream answers stats requests again');
      this.#jetstreamFailing = false;
      return result;
    } catch (err) {
      if (!this.#jetstreamFailing) this.#o.log?.warn({ err }, 'JetStream stats request failed; its figures are null until it answers');
      this.#jetstreamFailing = true;
      return null;
    }
  }
}
