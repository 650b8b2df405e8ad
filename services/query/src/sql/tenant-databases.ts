import type { ClickHouseClient } from '@clickhouse/client';
import { sqlString } from '@adstream/shared/sql';
import { tenantDatabase, tenantViews, viewIsCurrent } from './tenant-views.ts';

/**
 * Creates each tenant's database of views on its first SQL query, through
 * the service's own (DDL-capable) connection, never the tenant's. Idempotent
 * (IF NOT EXISTS), so replicas racing on the same tenant both succeed; a view
 * whose definition no longer matches (a new column, a changed source) is
 * dropped and created again. Each tenant is checked once per process.
 */
export class TenantDatabases {
  readonly #admin: ClickHouseClient;
  readonly #database: string;
  readonly #ready = new Map<string, Promise<string>>();

  constructor(admin: ClickHouseClient, database: string) {
    this.#admin = admin;
    this.#database = database;
  }

  /** The tenant's database name, once its views exist. */
  ensure(tenant: string): Promise<string> {
    let ready = this.#ready.get(tenant);
    if (ready === undefined) {
      ready = this.#provision(tenant);
      this.#ready.set(tenant, ready);
      ready.catch(() => this.#ready.delete(tenant));
    }
    return ready;
  }

  /** Checks the tenant again on its next query (its database or a view went missing). */
  forget(tenant: string): void {
    this.#ready.delete(tenant);
  }

  async #provision(tenant: string): Promise<string> {
    const target = tenantDatabase(this.#database, tenant);
    await this.#admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${target}` });
    const existing = await this.#describe(target);
    for (const view of tenantViews(this.#database, tenant)) {
      const actual = existing.get(view.name);
      if (actual !== undefined && viewIsCurrent(view, this.#database, tenant, actual)) continue;
      if (actual !== undefined) await this.#admin.command({ query: `DROP TABLE IF EXISTS ${target}.${view.name}` });
      await this.#admin.command({ query: view.ddl });
    }
    return target;
  }

  async #describe(target: string): Promise<Map<string, { columns: string[]; createQuery: string }>> {
    const tables = await this.#admin.query({
      query: `SELECT name, create_table_query FROM system.tables WHERE database = ${sqlString(target)}`,
      format: 'JSONEachRow',
    });
    const columns = await this.#admin.query({
      query: `SELECT table, name FROM system.columns WHERE database = ${sqlString(target)}`,
      format: 'JSONEachRow',
    });
    const byTable = new Map<string, { columns: string[]; createQuery: string }>();
    for (const t of await tables.json<{ name: string; create_table_query: string }>()) byTable.set(t.name, { columns: [], createQuery: t.create_table_query });
    for (const c of await columns.json<{ table: string; name: string }>()) byTable.get(c.table)?.columns.push(c.name);
    return byTable;
  }
}
