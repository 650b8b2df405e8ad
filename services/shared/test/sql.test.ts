import { describe, expect, it } from 'vitest';
import { sqlIdentifier, sqlString, sqlStringList } from '../src/sql.ts';

describe('sql literals', () => {
  it('escapes quotes and backslashes so a value cannot end its literal', () => {
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString('a\\')).toBe("'a\\\\'");
    expect(sqlString("\\' OR 1=1 --")).toBe("'\\\\\\' OR 1=1 --'");
    expect(sqlStringList(['a', 'b'])).toBe("('a','b')");
  });

  it('accepts only plain identifiers', () => {
    expect(sqlIdentifier('adstream_1')).toBe('adstream_1');
    expect(() => sqlIdentifier('a; DROP')).toThrow();
  });
});
