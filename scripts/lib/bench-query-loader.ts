import type { ClickHouseClient } from '@clickhouse/client';
import { insertEventsSql, meanChainLengthSql, type DatasetPlan } from './bench-query-dataset.ts';
import { chunkAuctions, planDataset, type DatasetRequest } from './bench-query-plan.ts';

export interface LoadOptions {
  request: DatasetRequest;
  endSec: number;
  /** Events per INSERT … SELECT. */
  chunkEvents: number;
  /** INSERT … SELECTs run at once: each is one thread in ClickHouse 18.16. */
  parallel: number;
  database: string;
  log: (message: string) => void;
}

export interface LoadResult {
  plan: DatasetPlan;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Auctions sampled to estimate the mean events per auction (about a second of ClickHouse time). */
const CHAIN_SAMPLE = 1_000_000;

async function scalar(ch: ClickHouseClient, query: string): Promise<number> {
  const result = await ch.query({ query, format: 'TabSeparated' });
  return Number((await result.text()).trim());
}

/**
 * Inserts whose events surely stay under the wanted total may run in
 * parallel; the rest run one by one, the last with a LIMIT, so the table ends
 * with exactly the wanted number of events.
 */
const PARALLEL_SHARE = 0.99;

/**
 * Generates the data set inside ClickHouse chunk by chunk, each chunk one
 * INSERT … SELECT into the events table, so the materialized views fill the
 * rollups (and the dedup index) as production inserts do.
 */
export async function loadDataset(ch: ClickHouseClient, o: LoadOptions): Promise<LoadResult> {
  const estimatePlan = planDataset(o.request, o.endSec, 1);
  const mean = await scalar(ch, meanChainLengthSql(estimatePlan, Math.min(CHAIN_SAMPLE, estimatePlan.auctions)));
  const plan = planDataset(o.request, o.endSec, mean);
  const perChunk = chunkAuctions(o.chunkEvents, mean);
  const chunks = Math.ceil(plan.auctions / perChunk);
  const parallelChunks = Math.min(chunks, Math.floor((o.request.events * PARALLEL_SHARE) / mean / perChunk));
  o.log(`loading ${o.request.events} events: ${plan.auctions} auctions × ${mean.toFixed(4)} events each, in about ${chunks} inserts of ${perChunk} auctions (${o.parallel} at a time)`);
  const events = `${o.database}.events`;
  const started = performance.now();
  let inserts = 0;
  const insert = async (first: number, limit?: number) => {
    await ch.command({ query: insertEventsSql(o.database, plan, first, perChunk, limit) });
    const rows = await scalar(ch, `SELECT count() FROM ${events}`);
    const seconds = (performance.now() - started) / 1000;
    o.log(`  insert ${++inserts}: ${rows} / ${o.request.events} events after ${seconds.toFixed(0)} s, ${Math.round(rows / seconds)} rows/s`);
    return rows;
  };
  let next = 0;
  const worker = async () => {
    while (next < parallelChunks) await insert(perChunk * next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, worker));
  let rows = await scalar(ch, `SELECT count() FROM ${events}`);
  // Auctions past plan.auctions (only if the estimate ran short) land in the period's last second.
  for (let first = parallelChunks * perChunk; rows < o.request.events; first += perChunk) {
    rows = await insert(first, o.request.events - rows);
  }
  const seconds = (performance.now() - started) / 1000;
  return { plan, rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
}

export interface TableSize {
  table: string;
  rows: number;
  bytesOnDisk: number;
  parts: number;
}

/** Active parts of the data set's tables, as system.parts reports them. */
export async function tableSizes(ch: ClickHouseClient, database: string): Promise<TableSize[]> {
  const result = await ch.query({
    query: `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, count() AS parts
      FROM system.parts WHERE database = '${database}' AND active AND table != 'schema_migrations'
      GROUP BY table ORDER BY table`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ table: string; rows: string; bytes: string; parts: string }>();
  return rows.map((r) => ({ table: r.table, rows: Number(r.rows), bytesOnDisk: Number(r.bytes), parts: Number(r.parts) }));
}

/**
 * Waits until no merge runs on the data set (or `timeoutMs` passes): queries
 * measured right after a load would otherwise compete with the merges the
 * load started and read more, smaller parts than a settled table has.
 */
export async function waitForMerges(ch: ClickHouseClient, database: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await scalar(ch, `SELECT count() FROM system.merges WHERE database = '${database}'`);
    if (running === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
