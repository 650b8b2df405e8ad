import type { ClickHouseClient } from '@clickhouse/client';
import type { SqlCatalog } from './sql-guard.ts';
import { BUILTIN_DATABASES, FALLBACK_TABLE_FUNCTIONS } from './sql-names.ts';
import { TENANT_TABLES, tenantDatabasePrefix } from './tenant-views.ts';

/**
 * What the guard must know about this server: its databases (none may be
 * named in a query, not even as an alias) and its table functions (none may
 * be called), read through the service's own connection.
 */
export async function loadSqlCatalog(admin: ClickHouseClient, database: string): Promise<SqlCatalog> {
  const names = async (sql: string) => {
    const result = await admin.query({ query: sql, format: 'JSONEachRow' });
    return (await result.json<{ name: string }>()).map((r) => r.name.toLowerCase());
  };
  const [databases, tableFunctions] = await Promise.all([names('SELECT name FROM system.databases'), names('SELECT name FROM system.table_functions')]);
  return {
    tables: new Set(TENANT_TABLES),
    databases: new Set([...databases, ...BUILTIN_DATABASES, database.toLowerCase()]),
    databasePrefixes: [tenantDatabasePrefix(database).toLowerCase()],
    tableFunctions: new Set([...FALLBACK_TABLE_FUNCTIONS, ...tableFunctions]),
  };
}
