import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { sqlIdentifier, sqlStringList } from '@adstream/shared/sql';
import { identity } from './dedup.ts';
import type { DecodedMessage } from './decode-message.ts';

/** Where the processor's rows go: ClickHouse, behind an interface the pipeline can be tested against. */
export interface EventStore {
  /** Identities (see `identity`) of the given rows that are already stored. */
  findStored(messages: readonly DecodedMessage[]): Promise<Set<string>>;
  insert(messages: readonly DecodedMessage[]): Promise<void>;
}

export class ClickHouseEventStore implements EventStore {
  readonly #client: ClickHouseClient;
  readonly #db: string;

  constructor(client: ClickHouseClient, database: string) {
    this.#client = client;
    this.#db = sqlIdentifier(database);
  }

  async findStored(messages: readonly DecodedMessage[]): Promise<Set<string>> {
    const tenants = new Set<string>();
    const ids = new Set<string>();
    for (const m of messages) {
      tenants.add(m.tenant);
      for (const r of m.rows) ids.add(r.eventId);
    }
    const found = new Set<string>();
    if (ids.size === 0) return found;
    const query = `SELECT tenant_id, toString(event_id) FROM ${this.#db}.event_ids WHERE tenant_id IN ${sqlStringList(tenants)} AND event_id IN ${sqlStringList(ids)}`;
    const result = await this.#client.query({
      query,
      format: 'TabSeparated',
      // The id list is part of the query text; the default 256 KiB parser limit is too small for a full batch.
      clickhouse_settings: { max_query_size: String(Math.max(262_144, query.length + 1024)) },
    });
    const text = await result.text();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      found.add(identity(unescapeTsv(line.slice(0, tab)), line.slice(tab + 1)));
    }
    return found;
  }

  async insert(messages: readonly DecodedMessage[]): Promise<void> {
    const chunks: Buffer[] = [];
    for (const m of messages) for (const r of m.rows) chunks.push(r.line);
    if (chunks.length === 0) return;
    const result = await this.#client.exec({
      query: `INSERT INTO ${this.#db}.events FORMAT JSONEachRow`,
      values: Readable.from(chunks, { objectMode: false }),
    });
    // The response stream must be consumed, or its socket is never returned to the pool.
    for await (const _ of result.stream) void _;
  }
}

/** TabSeparated escapes backslash, tab and newline in strings; tenant names may contain backslashes. */
function unescapeTsv(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c)) : value;
}
