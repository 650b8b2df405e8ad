import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { queryWithExternalTable, type ExternalQueryOptions } from '@adstream/shared/clickhouse-external-query';
import { eventsInsertSql } from '@adstream/shared/event-row';
import { sqlIdentifier } from '@adstream/shared/sql';
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
  readonly #http: ExternalQueryOptions;

  constructor(client: ClickHouseClient, http: ExternalQueryOptions) {
    this.#client = client;
    this.#db = sqlIdentifier(http.database);
    this.#http = http;
  }

  async findStored(messages: readonly DecodedMessage[]): Promise<Set<string>> {
    let rows = '';
    for (const m of messages) {
      const tenant = escapeTsv(m.tenant);
      for (const r of m.rows) rows += `${tenant}\t${r.eventId}\n`;
    }
    const found = new Set<string>();
    if (rows === '') return found;
    // Both conditions hit the (tenant_id, event_id) primary key; exact pairs are matched below.
    const text = await queryWithExternalTable(
      this.#http,
      `SELECT tenant_id, event_id FROM ${this.#db}.event_ids WHERE tenant_id IN (SELECT tenant_id FROM batch) AND event_id IN (SELECT event_id FROM batch) FORMAT TabSeparated`,
      { name: 'batch', structure: 'tenant_id String, event_id FixedString(36)', rows },
    );
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
      query: eventsInsertSql(this.#db),
      values: Readable.from(chunks, { objectMode: false }),
    });
    // The response stream must be consumed, or its socket is never returned to the pool.
    for await (const _ of result.stream) void _;
  }
}

/** TabSeparated escapes backslash, tab and newline in strings. */
function escapeTsv(value: string): string {
  return value.replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));
}

function unescapeTsv(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c)) : value;
}

