import type { ClickHouseClient } from '@clickhouse/client';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import { sqlIdentifier } from './sql.ts';

export interface MigrateResult {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Applies pending migrations in version order and records each in
 * `schema_migrations`. Every statement is idempotent, so two replicas racing
 * at start-up both succeed and at worst record a version twice.
 */
export async function migrate(client: ClickHouseClient, database: string, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const db = sqlIdentifier(database);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime) ENGINE = MergeTree ORDER BY version`,
  });
  const done = await client.query({ query: `SELECT DISTINCT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const seen = new Set((await done.json<{ version: number }>()).map((r) => Number(r.version)));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (seen.has(m.version)) {
      result.alreadyApplied.push(m.version);
      continue;
    }
    for (const statement of m.statements(db)) await client.command({ query: statement });
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: Math.floor(Date.now() / 1000) }],
      format: 'JSONEachRow',
    });
    result.applied.push(m.version);
  }
  return result;
}
