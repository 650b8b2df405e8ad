import { describe, expect, it } from 'vitest';
import { asJsonFormat } from '../lib/clickhouse-query-log.ts';

describe('asJsonFormat', () => {
  it('replaces the FORMAT clause a client library appended', () => {
    expect(asJsonFormat('SELECT 1\nFORMAT JSONEachRow')).toBe('SELECT 1\nFORMAT JSON');
    expect(asJsonFormat('SELECT a FROM t WHERE x = 1 format TabSeparated ;\n')).toBe('SELECT a FROM t WHERE x = 1\nFORMAT JSON');
  });

  it('adds one to SQL without a FORMAT clause, and leaves FORMAT inside the text alone', () => {
    expect(asJsonFormat('SELECT 1  ')).toBe('SELECT 1\nFORMAT JSON');
    expect(asJsonFormat("SELECT 'FORMAT CSV' AS s, x")).toBe("SELECT 'FORMAT CSV' AS s, x\nFORMAT JSON");
  });
});
