import { describe, expect, it } from 'vitest';
import { JsonCompactReader, UnexpectedAnswer } from '../src/sql/json-compact-reader.ts';

// Verbatim answers of ClickHouse 18.16 (the current engine writes the same layout).
const TWO_ROWS = `{
\t"meta":
\t[
\t\t{
\t\t\t"name": "k",
\t\t\t"type": "UInt8"
\t\t},
\t\t{
\t\t\t"name": "c",
\t\t\t"type": "UInt64"
\t\t}
\t],

\t"data":
\t[
\t\t[0, "5"],
\t\t[1, "x\\ny"]
\t],

\t"totals": [0,"10"],

\t"rows": 2,

\t"rows_before_limit_at_least": 2,

\t"statistics":
\t{
\t\t"elapsed": 0.00011812,
\t\t"rows_read": 10,
\t\t"bytes_read": 80
\t}
}
`;

const EMPTY = `{
\t"meta":
\t[
\t\t{
\t\t\t"name": "x",
\t\t\t"type": "UInt8"
\t\t}
\t],

\t"data":
\t[

\t],

\t"rows": 0,

\t"statistics":
\t{
\t\t"elapsed": 0.000023645,
\t\t"rows_read": 0,
\t\t"bytes_read": 0
\t}
}
`;

function read(text: string, maxRows: number, complete = true) {
  const reader = new JsonCompactReader(maxRows);
  for (const line of text.split('\n')) reader.line(line);
  return reader.finish(complete);
}

describe('JSONCompact reader', () => {
  it('reads columns, rows and statistics', () => {
    expect(read(TWO_ROWS, 10)).toEqual({
      columns: [
        { name: 'k', type: 'UInt8' },
        { name: 'c', type: 'UInt64' },
      ],
      rows: [
        [0, '5'],
        [1, 'x\ny'],
      ],
      rowsSent: 2,
      statistics: { elapsed: 0.00011812, rows_read: 10, bytes_read: 80 },
      exception: undefined,
    });
  });

  it('reads an empty result', () => {
    expect(read(EMPTY, 10)).toMatchObject({ columns: [{ name: 'x', type: 'UInt8' }], rows: [], rowsSent: 0, statistics: { rows_read: 0 } });
  });

  it('keeps only the first rows, and counts the rest', () => {
    expect(read(TWO_ROWS, 1)).toMatchObject({ rows: [[0, '5']], rowsSent: 2 });
  });

  it('reports an error the server wrote after the answer had started', () => {
    const broken = TWO_ROWS.split('\n').slice(0, 17).join('\n') + '\nCode: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 1.0 seconds, maximum: 1, e.what() = DB::Exception\n';
    expect(() => read(broken, 10)).toThrow(UnexpectedAnswer);
    try {
      read(broken, 10);
    } catch (error) {
      expect((error as UnexpectedAnswer).text).toContain('Code: 159');
    }
  });

  it('reports an error current releases write into the JSON', () => {
    const withException = TWO_ROWS.replace('\t"rows": 2,', '\t"rows": 2,\n\t"exception": "Code: 241. DB::Exception: Memory limit (for query) exceeded",');
    expect(read(withException, 10).exception).toBe('Code: 241. DB::Exception: Memory limit (for query) exceeded');
  });

  it('reads an answer cut short: the rows so far, no statistics', () => {
    const cut = TWO_ROWS.split('\n').slice(0, 16).join('\n');
    expect(read(cut, 10, false)).toMatchObject({ rows: [[0, '5']], rowsSent: 1, statistics: undefined });
  });

  it('refuses text that is not JSONCompact', () => {
    expect(() => read('Code: 62, e.displayText() = DB::Exception: Syntax error', 10)).toThrow(UnexpectedAnswer);
  });
});
