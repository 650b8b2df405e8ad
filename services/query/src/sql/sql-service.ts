import type { ClickHouseClient } from '@clickhouse/client';
import { sqlStringList } from '@adstream/shared/sql';
import { ClickHouseQueryError, UNKNOWN_DATABASE, UNKNOWN_TABLE } from './clickhouse-error.ts';
import { convertInt64 } from './int64-values.ts';
import { loadSqlCatalog } from './sql-catalog.ts';
import { guardSql, type SqlCatalog } from './sql-guard.ts';
import { checkSqlProfile, PROFILE_SETTINGS, type SqlLimits } from './sql-profile.ts';
import { runSql, type SqlAnswer, type SqlConnection } from './sql-runner.ts';
import { TenantDatabases } from './tenant-databases.ts';

export interface SqlServiceOptions {
  /** The service's own connection: creates tenant databases, reads the catalog. */
  admin: ClickHouseClient;
  /** The shared database (events, rollups). */
  database: string;
  /** The read-only user tenant SQL runs as; undefined: SQL is not served. */
  connection: SqlConnection | undefined;
  /** An answer larger than this (as ClickHouse sends it) is cut short and marked truncated. */
  maxResponseBytes?: number;
}

/** SQL cannot be served right now, or not on this deployment (503). */
export class SqlUnavailable extends Error {}

const CATALOG_TTL_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
// ClickHouse ends a query at max_execution_time; the HTTP wait allows for the answer to arrive.
const TIMEOUT_MARGIN_MS = 10_000;

/**
 * POST /v1/sql's work: guard the text, make sure the tenant's views exist,
 * and run the statement with them as the default database under the
 * read-only user, whose profile is checked before the first query.
 */
export class SqlService {
  readonly #o: SqlServiceOptions;
  readonly #tenants: TenantDatabases;
  #catalog: { at: number; value: Promise<SqlCatalog> } | undefined;
  #limits: SqlLimits | undefined;

  constructor(o: SqlServiceOptions) {
    this.#o = o;
    this.#tenants = new TenantDatabases(o.admin, o.database);
  }

  async run(tenant: string, sql: string): Promise<SqlAnswer> {
    const connection = this.#o.connection;
    if (connection === undefined) {
      throw new SqlUnavailable('SQL is not enabled on this server: it needs CLICKHOUSE_SQL_USER, a read-only ClickHouse user with the limits profile (docs/sql-api.md)');
    }
    const statement = guardSql(sql, await this.#catalogNow());
    const limits = await this.#checkedLimits(connection);
    const run = async () => {
      const database = await this.#tenants.ensure(tenant).catch((error: unknown) => {
        throw new SqlUnavailable(`the tenant's views cannot be created: ${error instanceof Error ? error.message : String(error)}`);
      });
      const answer = await runSql(connection, statement, {
        database,
        maxRows: limits.maxResultRows,
        maxBytes: this.#o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        timeoutMs: limits.maxExecutionSeconds * 1000 + TIMEOUT_MARGIN_MS,
        hide: [database, this.#o.database],
      });
      return { ...answer, rows: convertInt64(answer.columns, answer.rows) };
    };
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ClickHouseQueryError)) throw error;
      if (error.code !== UNKNOWN_DATABASE && error.code !== UNKNOWN_TABLE) throw error;
      // The tenant's database or one of its views may have gone since it was checked (or the
      // query names a table that never existed): check the views again and retry once.
      this.#tenants.forget(tenant);
      return run();
    }
  }

  #catalogNow(): Promise<SqlCatalog> {
    const now = Date.now();
    if (this.#catalog === undefined || now - this.#catalog.at > CATALOG_TTL_MS) {
      const value = loadSqlCatalog(this.#o.admin, this.#o.database);
      const entry = { at: now, value };
      this.#catalog = entry;
      value.catch(() => {
        if (this.#catalog === entry) this.#catalog = undefined;
      });
    }
    return this.#catalog.value.catch((error: unknown) => {
      throw new SqlUnavailable(`ClickHouse cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Read once; a profile found wanting is read again on the next query, so fixing the server's config needs no restart. */
  async #checkedLimits(connection: SqlConnection): Promise<SqlLimits> {
    if (this.#limits !== undefined) return this.#limits;
    let answer: SqlAnswer;
    try {
      answer = await runSql(connection, `SELECT name, value FROM system.settings WHERE name IN ${sqlStringList(PROFILE_SETTINGS)}`, {
        maxRows: 1000,
        maxBytes: 1024 * 1024,
        timeoutMs: 10_000,
      });
    } catch (error) {
      throw new SqlUnavailable(`SQL is unavailable: the ClickHouse user "${connection.username}" cannot read its settings (${error instanceof Error ? error.message : String(error)})`);
    }
    const check = checkSqlProfile(new Map(answer.rows.map((r) => [String(r[0]), String(r[1])])));
    if (!check.ok) {
      throw new SqlUnavailable(`SQL is disabled: the ClickHouse user "${connection.username}" lacks the read-only limits profile: ${check.problems.join('; ')}`);
    }
    this.#limits = check.limits;
    return check.limits;
  }
}
