import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../src/event-contract.ts';
import { EVENT_COLUMNS, toRowLine } from '../src/event-row.ts';
import { decodeBody, encodeBody } from '../src/message-format.ts';

const ID1 = '0190b6b0-0000-7000-8000-000000000001';
const ID2 = '0190b6b0-0000-7000-8000-000000000002';

const UNESCAPE: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0', "'": "'" };
const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);

/** Reads a row the way ClickHouse's TabSeparated parser does, as an independent check of the escaping. */
function readRow(line: string): Record<string, string | string[]> {
  const fields = line.split('\t');
  expect(fields).toHaveLength(EVENT_COLUMNS.length);
  const row: Record<string, string | string[]> = {};
  EVENT_COLUMNS.forEach((column, i) => {
    const raw = fields[i]!;
    if (column.startsWith('metadata_')) {
      expect(raw.startsWith('[') && raw.endsWith(']')).toBe(true);
      const items = raw.slice(1, -1).match(/'(?:[^'\\]|\\.)*'/g) ?? [];
      row[column] = items.map((q) => unescape(q.slice(1, -1)));
    } else {
      row[column] = unescape(raw);
    }
  });
  return row;
}

describe('event rows', () => {
  it('round-trips rows and reads their ids without parsing', () => {
    const rows = [
      toRowLine({ type: 'click', campaign_id: 'c1', metadata: { k: "v\n'x'\t\\" } }, ID1, 'acme', 1_000_500, 2_000_000),
      toRowLine({ type: 'impression', campaign_id: 'c2', cost: 2500, device: 'ctv', country: 'DE' }, ID2, 'acme', 3_000_000, 3_000_000),
    ];
    const decoded = decodeBody(encodeBody(rows), 2);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.rows.map((r) => r.eventId)).toEqual([ID1, ID2]);
    const [first, second] = decoded.rows.map((r) => readRow(r.line.toString().replace(/\n$/, '')));
    expect(first).toMatchObject({ event_id: ID1, tenant_id: 'acme', type: 'click', ts: '1000', received_at: '2000', device: 'unknown', cost_micros: '0', metadata_keys: ['k'], metadata_values: ["v\n'x'\t\\"] });
    expect(second).toMatchObject({ campaign_id: 'c2', cost_micros: '2500', device: 'ctv', country: 'DE', metadata_keys: [], metadata_values: [] });
  });

  it('escapes any text so that each field reads back exactly', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    fc.assert(
      fc.property(text, text, fc.dictionary(text, text, { maxKeys: 4 }), (city, tenant, metadata) => {
        const event = { type: 'bid', campaign_id: 'c', city, metadata } as WireEvent;
        const line = toRowLine(event, ID1, tenant, 0, 0);
        expect(line).not.toMatch(/\n/);
        const row = readRow(line);
        expect(row.city).toBe(city);
        expect(row.tenant_id).toBe(tenant);
        expect(row.metadata_keys).toEqual(Object.keys(metadata));
        expect(row.metadata_values).toEqual(Object.values(metadata));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['a body without an id', 'click\tc1\n', 1, 'does not start with an event id'],
    ['an unterminated row', `${ID1}\tx`, 1, 'not newline-terminated'],
    ['a malformed id', `${ID1.replace('0', 'z')}\tx\n`, 1, 'does not start with an event id'],
    ['an id without a tab', `${ID1}x\n`, 1, 'does not start with an event id'],
    ['a count mismatch', `${ID1}\tx\n`, 2, 'header says 2'],
  ])('rejects %s', (_name, body, count, reason) => {
    const decoded = decodeBody(Buffer.from(body), count);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });
});
