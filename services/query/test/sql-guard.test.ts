import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardSql, type SqlCatalog } from '../src/sql/sql-guard.ts';
import { BUILTIN_DATABASES, FALLBACK_TABLE_FUNCTIONS } from '../src/sql/sql-names.ts';
import { SqlRefusal } from '../src/sql/sql-refusal.ts';
import { TENANT_TABLES, tenantDatabase, tenantDatabasePrefix } from '../src/sql/tenant-views.ts';
import { ATTACKS, LEGIT_QUERIES } from './sql-attack-corpus.ts';

const catalog: SqlCatalog = {
  tables: new Set(TENANT_TABLES),
  databases: new Set([...BUILTIN_DATABASES, 'adstream', tenantDatabase('adstream', 'acme')]),
  databasePrefixes: [tenantDatabasePrefix('adstream')],
  tableFunctions: new Set(FALLBACK_TABLE_FUNCTIONS),
};

function refusal(sql: string, c: SqlCatalog = catalog): SqlRefusal {
  try {
    guardSql(sql, c);
  } catch (error) {
    if (error instanceof SqlRefusal) return error;
    throw error;
  }
  throw new Error(`the guard let this through: ${sql}`);
}

describe('SQL guard: attack corpus', () => {
  it.each(ATTACKS.map((a) => [a.name, a] as const))('refuses %s', (_name, attack) => {
    const r = refusal(attack.sql);
    expect({ status: r.statusCode, message: r.message }).toEqual({ status: attack.status, message: expect.stringMatching(attack.message) });
  });
});

describe('SQL guard: legitimate queries', () => {
  it.each(LEGIT_QUERIES)('passes %s', (sql) => {
    expect(() => guardSql(sql, catalog)).not.toThrow();
  });

  it('returns the statement without its trailing semicolon and what follows it', () => {
    expect(guardSql('SELECT 1 ; -- done', catalog)).toBe('SELECT 1 ');
    expect(guardSql('SELECT 1', catalog)).toBe('SELECT 1');
  });
});

describe('SQL guard: what it knows about the server', () => {
  it('refuses a table function the server lists, even one not built in', () => {
    const withCustom = { ...catalog, tableFunctions: new Set([...catalog.tableFunctions, 'mycustomsource']) };
    expect(refusal('SELECT mycustomsource(1)', withCustom).message).toMatch(/table function mycustomsource\(\)/);
    expect(() => guardSql('SELECT mycustomsource(1)', catalog)).not.toThrow();
  });

  it('refuses any database the server has as a qualifier or an alias', () => {
    const withAnalytics = { ...catalog, databases: new Set([...catalog.databases, 'analytics']) };
    expect(() => guardSql('SELECT 1 AS analytics', catalog)).not.toThrow();
    expect(refusal('SELECT 1 AS analytics', withAnalytics).statusCode).toBe(403);
    expect(refusal('SELECT analytics.x FROM events AS analytics', withAnalytics).message).toMatch(/"analytics".*database/);
  });

  it('treats every name with the tenant-database prefix as a database, including ones created later', () => {
    const later = tenantDatabase('adstream', 'a-tenant-created-later');
    expect(catalog.databases.has(later)).toBe(false);
    expect(refusal(`SELECT * FROM events AS ${later}`).message).toMatch(/is the name of a database/);
  });

  it('names what it refuses and where', () => {
    expect(refusal('SELECT count()\nFROM   system.tables').message).toBe(
      '"system.tables" at position 23: tables are named without a database; a query reads only its own tables (events, campaign_minute, campaign_hour, campaign_day, dimensions_hour)',
    );
    expect(refusal("SELECT 1; SELECT 2").message).toBe('only one statement is allowed: another follows the ";" at position 9');
    expect(refusal('WITH 1 AS x SELECT x, dictGetUInt64(\'d\', \'a\', 1)').message).toBe('dictGetUInt64() at position 23 is not allowed: it reads data outside your own tables');
  });
});

describe('SQL guard: any input', () => {
  const pieces = ['SELECT', 'WITH', 'FROM', 'JOIN', 'ARRAY', 'IN', 'AS', 'CAST', 'events', 'system', 'x', 'numbers', '(', ')', '[', ']', '.', ',', '*', '->', ';', "'s'", '1', '--c\n', ' '];
  it('answers with a refusal or a statement, never with another error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const sql = parts.join(' ');
        try {
          return typeof guardSql(sql, catalog) === 'string';
        } catch (error) {
          return error instanceof SqlRefusal;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets a database-qualified name through', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const sql = ['SELECT', ...parts].join(' ');
        try {
          guardSql(sql, catalog);
        } catch {
          return true;
        }
        // Comments and spaces separate nothing; a dot after a name starts a qualified name unless a number follows (tuple access).
        const tokens = ['SELECT', ...parts].filter((p) => p !== ' ' && p !== '--c\n');
        return !tokens.some((t, i) => t === 'system' && tokens[i - 1] !== '.' && tokens[i + 1] === '.' && /^[A-Za-z_*]/.test(tokens[i + 2] ?? ''));
      }),
      { numRuns: 3000 },
    );
  });
});
