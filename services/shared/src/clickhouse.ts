import { createClient, type ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseOptions {
  url: string;
  username: string;
  password: string;
  database?: string;
  requestTimeoutMs: number;
}

export function createClickHouse(opts: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: opts.url,
    username: opts.username,
    password: opts.password,
    database: opts.database,
    request_timeout: opts.requestTimeoutMs,
    // 18.16 rejects settings it does not know, so none are sent by default.
    clickhouse_settings: {},
    keep_alive: { enabled: true },
  });
}
