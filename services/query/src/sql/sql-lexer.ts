import { SqlRefusal } from './sql-refusal.ts';

/**
 * A tokenizer for the SQL that POST /v1/sql accepts. It follows ClickHouse's
 * own lexer (src/Parsers/Lexer.cpp, the same in 18.16 and current releases
 * for everything accepted here) so that the guard sees exactly the tokens
 * the server will: a string, comment or identifier boundary placed
 * differently would let text the guard took for data run as code.
 *
 * Where the two releases differ, or where matching the server exactly would
 * be fragile, the input is refused instead: nested block comments (current
 * releases nest them, 18.16 does not), `$` (heredoc strings in current
 * releases), `{ }` (query parameters), `@`, `\`, backslash escapes inside
 * quoted identifiers, NUL, and any non-ASCII character outside string
 * literals, quoted identifiers and comments (current releases accept Unicode
 * whitespace and quotation marks there).
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op';

export interface Token {
  kind: TokenKind;
  /** word: as written; quoted: the decoded name; string/number/op: the source text. */
  text: string;
  /** Offset of the first character in the source. */
  start: number;
  end: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHexDigit = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isWordStart = (c: string | undefined) => c !== undefined && /^[A-Za-z_]$/.test(c);
const isWordChar = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

/** 1-based, as ClickHouse counts positions in its messages. */
export const position = (offset: number) => offset + 1;

function describe(c: string): string {
  const code = c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || code === 0x7f ? `control character ${hex}` : code > 0x7e ? `non-ASCII character ${hex} "${c}"` : `"${c}"`;
}

export function tokenize(sql: string): Token[] {
  if (!sql.isWellFormed()) throw new SqlRefusal(400, 'the query contains an unpaired UTF-16 surrogate');
  const nul = sql.indexOf('\0');
  if (nul >= 0) throw new SqlRefusal(400, `NUL character at position ${position(nul)}`);

  const tokens: Token[] = [];
  const end = sql.length;
  let pos = 0;
  const prevKind = () => tokens.at(-1);
  const push = (kind: TokenKind, start: number, text = sql.slice(start, pos)) => tokens.push({ kind, text, start, end: pos });
  const refuse = (at: number, what: string): never => {
    throw new SqlRefusal(400, `${what} at position ${position(at)}`);
  };

  const lineComment = () => {
    const nl = sql.indexOf('\n', pos);
    pos = nl < 0 ? end : nl;
  };

  // Quote doubling and backslash escapes, as ClickHouse's quotedString().
  const quoted = (quote: string, start: number, allowEscapes: boolean): string => {
    pos++;
    let value = '';
    for (;;) {
      if (pos >= end) refuse(start, quote === "'" ? 'unterminated string literal' : `unterminated ${quote}-quoted identifier`);
      const c = sql[pos]!;
      if (c === quote) {
        if (sql[pos + 1] === quote) {
          value += quote;
          pos += 2;
          continue;
        }
        pos++;
        return value;
      }
      if (c === '\\') {
        if (!allowEscapes) refuse(pos, `backslash inside a ${quote}-quoted identifier`);
        if (pos + 1 >= end) refuse(start, 'unterminated string literal');
        value += sql.slice(pos, pos + 2);
        pos += 2;
        continue;
      }
      value += c;
      pos++;
    }
  };

  // Digits separated by single underscores (1_000), as isNumberSeparator().
  const digits = (hex: boolean, afterBlockStart: boolean) => {
    let blockStart = afterBlockStart;
    for (;;) {
      const c = sql[pos];
      const isDigitHere = hex ? isHexDigit(c) : isDigit(c);
      const isSeparator = c === '_' && !blockStart && (hex ? isHexDigit(sql[pos + 1]) : isDigit(sql[pos + 1]));
      if (!isDigitHere && !isSeparator) return;
      pos++;
      blockStart = false;
    }
  };

  const exponent = (letters: string) => {
    if (pos + 1 < end && letters.includes(sql[pos]!)) {
      pos++;
      if (pos + 1 < end && (sql[pos] === '-' || sql[pos] === '+')) pos++;
      digits(false, true);
    }
  };

  const number = (start: number) => {
    const previous = prevKind();
    if (previous?.kind === 'op' && previous.text === '.') {
      // x.1.2 is two tuple accesses, not x . 1.2
      pos++;
      digits(false, false);
    } else {
      let hex = false;
      let blockStart = false;
      if (pos + 2 < end && sql[pos] === '0' && /[xXbB]/.test(sql[pos + 1]!)) {
        const isHex = /[xX]/.test(sql[pos + 1]!);
        if (isHex ? isHexDigit(sql[pos + 2]) : sql[pos + 2] === '0' || sql[pos + 2] === '1') {
          hex = isHex;
          pos += 2;
          blockStart = true;
        } else pos++;
      } else pos++;
      digits(hex, blockStart);
      if (sql[pos] === '.') {
        pos++;
        digits(hex, true);
      }
      exponent(hex ? 'pP' : 'eE');
    }
    if (isWordChar(sql[pos])) {
      // 1st, 2d: current releases read a name that starts with digits as an identifier.
      while (isWordChar(sql[pos])) pos++;
      const text = sql.slice(start, pos);
      if (!/^\w+$/.test(text)) refuse(start, `malformed number "${text}"`);
      push('word', start);
      return;
    }
    push('number', start);
  };

  while (pos < end) {
    const start = pos;
    const c = sql[pos]!;
    const next = sql[pos + 1];
    if (WHITESPACE.has(c)) {
      pos++;
      continue;
    }
    if (isDigit(c)) {
      number(start);
      continue;
    }
    if (isWordStart(c)) {
      while (isWordChar(sql[pos])) pos++;
      push('word', start);
      continue;
    }
    switch (c) {
      case "'": {
        quoted("'", start, true);
        push('string', start);
        continue;
      }
      case '"':
      case '`': {
        const name = quoted(c, start, false);
        push('quoted', start, name);
        continue;
      }
      case '-':
        if (next === '>') {
          pos += 2;
          push('op', start);
        } else if (next === '-') {
          pos += 2;
          lineComment();
        } else {
          pos++;
          push('op', start);
        }
        continue;
      case '/':
        if (next === '/') {
          pos += 2;
          lineComment();
        } else if (next === '*') {
          pos += 2;
          for (;;) {
            if (pos + 2 > end) refuse(start, 'unterminated /* comment');
            if (sql[pos] === '/' && sql[pos + 1] === '*') refuse(pos, 'nested /* comment');
            if (sql[pos] === '*' && sql[pos + 1] === '/') {
              pos += 2;
              break;
            }
            pos++;
          }
        } else {
          pos++;
          push('op', start);
        }
        continue;
      case '#':
        // Current releases read "# " and "#!" as a comment; 18.16 refuses any "#".
        if (next === ' ' || next === '!') {
          lineComment();
          continue;
        }
        return refuse(start, '"#" that does not start a comment ("# ")');
      case '.': {
        const previous = prevKind();
        const afterOperand =
          previous !== undefined &&
          (previous.kind === 'word' || previous.kind === 'quoted' || previous.kind === 'number' || (previous.kind === 'op' && (previous.text === ')' || previous.text === ']')));
        if (pos > 0 && (!isDigit(next) || afterOperand)) {
          pos++;
          push('op', start);
        } else {
          pos++;
          digits(false, true);
          exponent('eE');
          push('number', start);
        }
        continue;
      }
      case '!':
        if (next !== '=') refuse(start, '"!" outside "!="');
        pos += 2;
        push('op', start);
        continue;
      case '|':
        if (next !== '|') refuse(start, '"|" outside "||"');
        pos += 2;
        push('op', start);
        continue;
      case '<':
        pos += next === '=' || next === '>' ? 2 : 1;
        push('op', start);
        continue;
      case '>':
      case '=':
        pos += next === '=' ? 2 : 1;
        push('op', start);
        continue;
      case ':':
        pos += next === ':' ? 2 : 1;
        push('op', start);
        continue;
      case '(':
      case ')':
      case '[':
      case ']':
      case ',':
      case ';':
      case '+':
      case '*':
      case '%':
      case '?':
        pos++;
        push('op', start);
        continue;
      default:
        return refuse(start, `unexpected ${describe(String.fromCodePoint(sql.codePointAt(pos)!))}`);
    }
  }
  return tokens;
}
