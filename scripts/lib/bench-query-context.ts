import type { ClickHouseClient } from '@clickhouse/client';
import type { KeyEntry } from './api-keys-file.ts';
import type { BenchContext, BenchTenant } from './bench-query-scenarios.ts';

/**
 * What the scenarios draw parameters from: each tenant's key and campaigns
 * (most events first, with the platforms they ran on), read back from the
 * loaded data rather than re-derived, so requests name campaigns that exist.
 */
export async function loadBenchContext(ch: ClickHouseClient, database: string, keys: readonly KeyEntry[], endMs: number): Promise<BenchContext> {
  const result = await ch.query({
    query: `SELECT tenant_id, campaign_id, count() AS events, topK(3)(platform) AS platforms
      FROM ${database}.events GROUP BY tenant_id, campaign_id ORDER BY tenant_id, events DESC, campaign_id`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ tenant_id: string; campaign_id: string; events: string; platforms: string[] }>();
  const tenants: BenchTenant[] = keys.map((k) => ({
    id: k.tenant,
    key: k.key,
    campaigns: rows.filter((r) => r.tenant_id === k.tenant).map((r) => ({ id: r.campaign_id, events: Number(r.events), platforms: r.platforms })),
  }));
  return { tenants, endMs };
}
