import { createHash } from 'node:crypto';
import { EVENT_COLUMNS } from '@adstream/shared/event-row';
import { ROLLUPS } from '@adstream/shared/migrations/0002-rollups';
import { sqlIdentifier, sqlString } from '@adstream/shared/sql';

/**
 * The tables a tenant's SQL sees: one database per tenant holding views over
 * the shared tables, each filtered to that tenant. Tenant SQL runs with that
 * database as its default, so an unqualified table name can only resolve to
 * one of these views.
 */

export interface TenantView {
  name: string;
  /** Output columns, in order. */
  columns: readonly string[];
  /** The shared table the view reads. */
  source: string;
  /** CREATE VIEW IF NOT EXISTS … */
  ddl: string;
}

/** Every tenant database starts with this; the guard treats any such name as a database. */
export const tenantDatabasePrefix = (database: string) => `${sqlIdentifier(database)}_t_`;

/** 128 bits of SHA-256: tenant names are free text, database names are not, and two tenants must never share one. */
export function tenantDatabase(database: string, tenant: string): string {
  return `${tenantDatabasePrefix(database)}${createHash('sha256').update(tenant).digest('hex').slice(0, 32)}`;
}

// Micros become Decimal currency units exactly: a Decimal(…, 0) times 10^-6
// keeps the integer and moves the point (a CAST to Decimal(…, 6) would scale
// the value and overflow at a millionth of the range).
const units = (expr: string, decimal: 'Decimal64' | 'Decimal128') => `to${decimal}(${expr}, 0) * to${decimal}('0.000001', 6)`;

/** `events` under the contract's names: tenant_id is advertiser_id, money is currency units. */
function eventColumns(): [string, string][] {
  return EVENT_COLUMNS.map((column): [string, string] => {
    if (column === 'tenant_id') return ['advertiser_id', `${column} AS advertiser_id`];
    const money = /^(.*)_micros$/.exec(column);
    if (money) return [money[1]!, `${units(column, 'Decimal64')} AS ${money[1]}`];
    return [column, column];
  });
}

const COUNTS = ['impressions', 'clicks', 'conversions', 'bids', 'wins'] as const;
const SUMS: readonly [string, string][] = [
  ['spend_micros', 'spend'],
  ['revenue_micros', 'revenue'],
  ['bid_price_micros', 'bid_price_sum'],
  ['win_price_micros', 'win_price_sum'],
];

/**
 * A rollup with its aggregate states merged per row, so measures read as
 * plain numbers. `users_state` keeps the distinct-user state, because
 * distinct counts do not add up across rows: uniqIfMerge(users_state) counts
 * them over any set of rows.
 */
function rollupColumns(shape: (typeof ROLLUPS)[number]): [string, string][] {
  return [
    ['campaign_id', 'campaign_id'],
    [shape.bucket.column, shape.bucket.column],
    ...shape.dimensions.map((d): [string, string] => [d, d]),
    ...COUNTS.map((c): [string, string] => [c, `sumMerge(${c}) AS ${c}`]),
    ...SUMS.map(([state, name]): [string, string] => [name, `${units(`sumMerge(${state})`, 'Decimal128')} AS ${name}`]),
    ['unique_users', 'uniqIfMerge(users) AS unique_users'],
    ['users_state', 'uniqIfMergeState(users) AS users_state'],
  ];
}

export function tenantViews(database: string, tenant: string): TenantView[] {
  const db = sqlIdentifier(database);
  const target = tenantDatabase(database, tenant);
  const scope = `tenant_id = ${sqlString(tenant)}`;
  const view = (name: string, source: string, columns: [string, string][], groupBy?: string): TenantView => ({
    name,
    columns: columns.map(([c]) => c),
    source,
    ddl:
      `CREATE VIEW IF NOT EXISTS ${target}.${name} AS SELECT ${columns.map(([, expr]) => expr).join(', ')} ` +
      `FROM ${db}.${source} WHERE ${scope}${groupBy === undefined ? '' : ` GROUP BY ${groupBy}`}`,
  });
  return [
    view('events', 'events', eventColumns()),
    ...ROLLUPS.map((shape) =>
      view(shape.table.replace(/^rollup_/, ''), shape.table, rollupColumns(shape), ['campaign_id', shape.bucket.column, ...shape.dimensions].join(', ')),
    ),
  ];
}

/** Names of the views every tenant has, for the guard and the docs. */
export const TENANT_TABLES: readonly string[] = tenantViews('adstream', 'any').map((v) => v.name);

/**
 * Whether a view as the server describes it is the one tenantViews() would
 * create for this tenant: same columns, same source, same tenant condition.
 * The server rewrites the CREATE statement in its own layout, so this checks
 * the parts that matter rather than the text.
 */
export function viewIsCurrent(expected: TenantView, database: string, tenant: string, actual: { columns: readonly string[]; createQuery: string }): boolean {
  const sameColumns = actual.columns.length === expected.columns.length && expected.columns.every((c) => actual.columns.includes(c));
  const source = new RegExp(`\\bFROM ${sqlIdentifier(database)}\\.${expected.source}\\b`);
  return sameColumns && source.test(actual.createQuery) && actual.createQuery.includes(`tenant_id = ${sqlString(tenant)}`);
}
