import type { ClickHouseClient } from '@clickhouse/client';

/** Runs a SELECT and returns its rows as objects (JSONEachRow). */
export async function queryRows<T>(clickhouse: ClickHouseClient, sql: string): Promise<T[]> {
  const result = await clickhouse.query({ query: sql, format: 'JSONEachRow' });
  return result.json<T>();
}
