import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from '../src/sql/sql-lexer.ts';
import { SqlRefusal } from '../src/sql/sql-refusal.ts';

const kinds = (sql: string) => tokenize(sql).map((t: Token) => `${t.kind}:${t.text}`);

function refusal(sql: string): string {
  try {
    tokenize(sql);
  } catch (error) {
    if (error instanceof SqlRefusal) return error.message;
    throw error;
  }
  throw new Error(`tokenized: ${sql}`);
}

describe('SQL lexer', () => {
  it('splits names, numbers, strings and operators, skipping whitespace and comments', () => {
    expect(kinds("SELECT a.b, 'x' AS `y`/* c */FROM t -- d\nWHERE n >= 1.5e-3")).toEqual([
      'word:SELECT', 'word:a', 'op:.', 'word:b', 'op:,', "string:'x'", 'word:AS', 'quoted:y', 'word:FROM', 'word:t', 'word:WHERE', 'word:n', 'op:>=', 'number:1.5e-3',
    ]);
  });

  it('reads strings and quoted identifiers as ClickHouse does: doubled quotes and backslash escapes', () => {
    expect(kinds("'a''b' 'a\\'b' 'a\\\\' ''")).toEqual(["string:'a''b'", "string:'a\\'b'", "string:'a\\\\'", "string:''"]);
    expect(kinds('`a``b` "x""y" "ünï"')).toEqual(['quoted:a`b', 'quoted:x"y', 'quoted:ünï']);
  });

  it('ends a line comment at \\n only, like both server versions (\\r does not end it)', () => {
    expect(kinds('SELECT 1 -- x\r, 2\n, 3')).toEqual(['word:SELECT', 'number:1', 'op:,', 'number:3']);
    expect(kinds('SELECT 1 // x\n, 3')).toEqual(['word:SELECT', 'number:1', 'op:,', 'number:3']);
    expect(kinds('SELECT 1 # x\n, 3 #!y')).toEqual(['word:SELECT', 'number:1', 'op:,', 'number:3']);
  });

  it('reads block comments up to the first */ and refuses a nested opener', () => {
    expect(kinds('1 /**/ 2 /*/ x */ 3 /* * / */ 4')).toEqual(['number:1', 'number:2', 'number:3', 'number:4']);
    expect(refusal('1 /* a /* b */ c */')).toBe('nested /* comment at position 8');
    expect(refusal('1 /* a /*/')).toBe('nested /* comment at position 8');
    expect(refusal('1 /* a *')).toBe('unterminated /* comment at position 3');
  });

  it('reads numbers as ClickHouse does, including where a sign after the exponent swallows a minus', () => {
    expect(kinds('0x1F 0b101 1_000 (.5) 1. 2e+5 0x1p-3').filter((k) => k.startsWith('number:'))).toEqual(['number:0x1F', 'number:0b101', 'number:1_000', 'number:.5', 'number:1.', 'number:2e+5', 'number:0x1p-3']);
    // After an operand a dot is an operator: x .5 is tuple access, as in ClickHouse.
    expect(kinds('x .5')).toEqual(['word:x', 'op:.', 'number:5']);
    // 1e-- is "1e-" then "-": not a comment, in 18.16 and current releases alike.
    expect(kinds('1e--x')).toEqual(['number:1e-', 'op:-', 'word:x']);
    expect(kinds('t.1.2')).toEqual(['word:t', 'op:.', 'number:1', 'op:.', 'number:2']);
    expect(kinds('1abc')).toEqual(['word:1abc']);
    expect(refusal('1.5abc')).toBe('malformed number "1.5abc" at position 1');
  });

  it('reads every operator ClickHouse has', () => {
    expect(kinds('a->b <> <= >= == != || :: ? : % * + - / = < > [ ] ( ) ;').filter((k) => k.startsWith('op:'))).toEqual(
      ['->', '<>', '<=', '>=', '==', '!=', '||', '::', '?', ':', '%', '*', '+', '-', '/', '=', '<', '>', '[', ']', '(', ')', ';'].map((o) => `op:${o}`),
    );
  });

  it('refuses what the two server versions read differently, with the position', () => {
    expect(refusal('SELECT $$x$$')).toBe('unexpected "$" at position 8');
    expect(refusal('SELECT {p:UInt8}')).toBe('unexpected "{" at position 8');
    expect(refusal('SELECT a | b')).toBe('"|" outside "||" at position 10');
    expect(refusal('SELECT !a')).toBe('"!" outside "!=" at position 8');
    expect(refusal('SELECT `a\\`b`')).toBe('backslash inside a `-quoted identifier at position 10');
    expect(refusal('SELECT \u00a0 1')).toBe('unexpected non-ASCII character U+00A0 "\u00a0" at position 8');
    expect(refusal('SELECT 1\u0007')).toBe('unexpected control character U+0007 at position 9');
    expect(refusal("SELECT 'abc")).toBe('unterminated string literal at position 8');
    expect(refusal("SELECT 'abc\\")).toBe('unterminated string literal at position 8');
  });

  it('accepts any Unicode inside strings, quoted identifiers and comments', () => {
    expect(kinds("SELECT '\u2018\u00a0🙂' AS `\u0455` -- \u202e\n/* \u200b */")).toEqual(['word:SELECT', "string:'\u2018\u00a0🙂'", 'word:AS', 'quoted:\u0455']);
  });

  it('never fails other than with a refusal, and its tokens are ordered and disjoint', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."sSeE1.'\"`-/*#\\\n\r ;()$,x_"), maxLength: 40 }), (sql) => {
        let tokens: Token[];
        try {
          tokens = tokenize(sql);
        } catch (error) {
          return error instanceof SqlRefusal;
        }
        return tokens.every((t, i) => t.start < t.end && (i === 0 || tokens[i - 1]!.end <= t.start));
      }),
      { numRuns: 2000 },
    );
  });
});
