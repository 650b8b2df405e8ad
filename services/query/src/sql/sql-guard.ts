import { position, tokenize, type Token } from './sql-lexer.ts';
import { IN_FUNCTIONS, KEYWORDS, isForbiddenFunction } from './sql-names.ts';
import { SqlRefusal } from './sql-refusal.ts';

/** What the guard needs to know about the server and the tenant, names lower-case. */
export interface SqlCatalog {
  /** The tables a tenant reads (its views), e.g. events, campaign_day. */
  tables: ReadonlySet<string>;
  /** Every database name the server has, plus the built-in ones. */
  databases: ReadonlySet<string>;
  /** Names starting with one of these are databases too, including ones created later (other tenants'). */
  databasePrefixes: readonly string[];
  tableFunctions: ReadonlySet<string>;
}

/**
 * Checks one tenant query before it reaches ClickHouse and returns the
 * statement to run (without a trailing `;`). It is one of three layers
 * (docs/sql-api.md): the query also runs with the tenant's database of views
 * as its default database, as a read-only user whose profile holds the limits.
 * This layer keeps the query from naming anything but those views: no
 * database-qualified table, no table function, no function that reads other
 * tables, and no FORMAT, SETTINGS or INTO OUTFILE clause.
 */
export function guardSql(sql: string, catalog: SqlCatalog): string {
  const all = tokenize(sql);
  const semicolon = all.findIndex((t) => isOp(t, ';'));
  if (semicolon >= 0 && semicolon < all.length - 1) {
    throw new SqlRefusal(400, `only one statement is allowed: another follows the ";" at position ${position(all[semicolon]!.start)}`);
  }
  const tokens = semicolon >= 0 ? all.slice(0, semicolon) : all;
  if (tokens.length === 0) throw new SqlRefusal(400, 'the query is empty');
  const first = tokens[0]!;
  if (!(first.kind === 'word' && ['select', 'with'].includes(lower(first)))) {
    throw new SqlRefusal(400, `only SELECT queries are allowed (WITH … SELECT too); this one starts with "${first.text}"`);
  }
  checkClauses(tokens);
  const { declared, qualified } = walk(tokens, catalog);
  const isDatabase = (name: string) => catalog.databases.has(name) || catalog.databasePrefixes.some((p) => name.startsWith(p));
  for (const [name, token] of declared) {
    if (isDatabase(name)) throw new SqlRefusal(403, `"${token.text}" at position ${position(token.start)} is the name of a database and cannot be used as an alias`);
  }
  for (const { qualifier, member } of qualified) {
    const name = lower(qualifier);
    const where = `"${qualifier.text}.${member.text}" at position ${position(qualifier.start)}`;
    if (isDatabase(name)) throw new SqlRefusal(403, `${where}: "${qualifier.text}" is a database; a query reads only its own tables (${list(catalog.tables)})`);
    if (!catalog.tables.has(name) && !declared.has(name)) {
      throw new SqlRefusal(403, `${where}: "${qualifier.text}" is neither one of your tables (${list(catalog.tables)}) nor an alias declared in the query`);
    }
  }
  return semicolon >= 0 ? sql.slice(0, all[semicolon]!.start) : sql;
}

const lower = (t: Token) => t.text.toLowerCase();
const isOp = (t: Token | undefined, text: string) => t?.kind === 'op' && t.text === text;
const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text.toLowerCase() === word;
const isName = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'quoted' || (t.kind === 'word' && !KEYWORDS.has(lower(t))));
const list = (names: ReadonlySet<string>) => [...names].join(', ');

/** An expression can end with this token, so a name right after it is an alias (`count() c`) or an operator (`x IN`). */
function endsOperand(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === 'op') return t.text === ')' || t.text === ']';
  return t.kind !== 'word' || !KEYWORDS.has(lower(t));
}

/**
 * ClickHouse 18.16 parses nesting by recursion and crashes (stack overflow,
 * the whole server) somewhere below 1000 levels of parentheses, brackets or
 * function calls; 10,000 characters hold 5,000.
 */
export const MAX_NESTING = 64;

const CLOSERS: Record<string, string> = { '(': ')', '[': ']' };

function checkClauses(tokens: readonly Token[]): void {
  const open: string[] = [];
  for (const t of tokens) {
    if (isOp(t, '(') || isOp(t, '[')) {
      open.push(CLOSERS[t.text]!);
      if (open.length > MAX_NESTING) throw new SqlRefusal(400, `nesting deeper than ${MAX_NESTING} parentheses or brackets at position ${position(t.start)}`);
    }
    if ((isOp(t, ')') || isOp(t, ']')) && open.pop() !== t.text) throw new SqlRefusal(400, `unbalanced "${t.text}" at position ${position(t.start)}`);
    if (t.kind !== 'word') continue;
    const word = lower(t);
    const at = `at position ${position(t.start)}`;
    if (word === 'format') throw new SqlRefusal(400, `FORMAT ${at} is not allowed: the API chooses the output format (write \`format\` in backquotes to use it as a name)`);
    if (word === 'settings') throw new SqlRefusal(403, `SETTINGS ${at} is not allowed: the limits of SQL queries are fixed`);
    if (word === 'into' || word === 'outfile') throw new SqlRefusal(403, `INTO OUTFILE ${at} is not allowed`);
  }
  if (open.length > 0) throw new SqlRefusal(400, `unbalanced brackets: ${open.length} not closed`);
}

/** Starts a list of tables: what follows, up to the next clause, names tables rather than columns. */
const TABLE_LIST_START = new Set(['from', 'join']);
const TABLE_LIST_END = new Set([
  'where', 'prewhere', 'group', 'order', 'limit', 'having', 'union', 'except', 'intersect', 'on', 'using', 'array', 'window', 'qualify',
  'sample', 'final', 'with', 'select', 'offset',
]);

interface Frame {
  /** Inside FROM … / JOIN … at this parenthesis depth. */
  tables: boolean;
  /** A function's parentheses: FROM there is syntax (EXTRACT(DAY FROM ts)), not a table list. */
  call: boolean;
  /** The parentheses of CAST(x AS Type): the name after AS is a type. */
  cast: boolean;
}

interface Walked {
  /** Aliases, CTE names and lambda parameters the query declares, lower-case. */
  declared: Map<string, Token>;
  /** Every `a.b` chain, by its first name. */
  qualified: { qualifier: Token; member: Token }[];
}

function walk(tokens: readonly Token[], catalog: SqlCatalog): Walked {
  const declared = new Map<string, Token>();
  const declare = (t: Token) => declared.set(lower(t), t);
  const qualified: Walked['qualified'] = [];
  const frames: Frame[] = [{ tables: false, call: false, cast: false }];

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const frame = frames.at(-1)!;
    if (isOp(t, '(')) {
      // FROM ((t)) still names a table; a SELECT inside ends that (FROM (SELECT …)).
      frames.push({ tables: frame.tables && !isName(prev), call: isName(prev), cast: isWord(prev, 'cast') });
      continue;
    }
    if (isOp(t, ')')) {
      frames.pop();
      continue;
    }
    if (isOp(t, '->')) {
      declareLambdaParameters(tokens, i, declare);
      continue;
    }
    if (t.kind === 'word') {
      const word = lower(t);
      if (TABLE_LIST_START.has(word)) frame.tables = !frame.call && !(word === 'join' && isWord(prev, 'array'));
      else if (TABLE_LIST_END.has(word)) frame.tables = false;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    const name = lower(t);
    const at = `at position ${position(t.start)}`;

    if (isOp(next, '(')) {
      if (catalog.tableFunctions.has(name) || (frame.tables && isName(t))) throw new SqlRefusal(403, `table function ${t.text}() ${at} is not allowed: read your own tables (${list(catalog.tables)})`);
      if (isForbiddenFunction(name)) throw new SqlRefusal(403, `${t.text}() ${at} is not allowed: it reads data outside your own tables`);
      const operatorIn = endsOperand(prev) || isWord(prev, 'not') || isWord(prev, 'global');
      if (IN_FUNCTIONS.has(name) && !operatorIn) throw new SqlRefusal(403, `${t.text}() ${at} is not allowed: write the IN operator instead`);
    }

    const member = tokens[i + 2];
    if (isOp(next, '.') && !isOp(prev, '.') && member !== undefined && (member.kind === 'word' || member.kind === 'quoted' || isOp(member, '*'))) {
      if (frame.tables || isWord(prev, 'in')) {
        throw new SqlRefusal(403, `"${t.text}.${member.text}" ${at}: tables are named without a database; a query reads only its own tables (${list(catalog.tables)})`);
      }
      qualified.push({ qualifier: t, member });
    }

    if (isWord(prev, 'as')) {
      if (!frame.cast) declare(t);
    } else if (isWord(next, 'as') && isOp(tokens[i + 2], '(')) {
      declare(t); // WITH name AS (subquery)
    } else if (isName(t) && endsOperand(prev) && !isOp(prev, '.') && !isOp(next, '(') && !isOp(next, '.')) {
      declare(t); // an alias without AS: FROM events e, count() c
    }
  }
  return { declared, qualified };
}

/** `x -> …` or `(x, y) -> …`: the parameters are names the lambda's body may qualify. */
function declareLambdaParameters(tokens: readonly Token[], arrow: number, declare: (t: Token) => void): void {
  const before = tokens[arrow - 1];
  if (before === undefined) return;
  if (!isOp(before, ')')) {
    if (before.kind === 'word' || before.kind === 'quoted') declare(before);
    return;
  }
  for (let j = arrow - 2; j >= 0 && !isOp(tokens[j], '('); j--) {
    const t = tokens[j]!;
    if (t.kind === 'word' || t.kind === 'quoted') declare(t);
  }
}
