import type { ClickHouseClient } from '@clickhouse/client';

/** What the KPI routes need: ClickHouse, its database, and a clock tests can set. */
export interface KpiRouteOptions {
  clickhouse: ClickHouseClient;
  database: string;
  now?: () => number;
}
