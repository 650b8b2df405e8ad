import { describe, expect, it } from 'vitest';
import { tenantStatsSql, windowBefore } from '../src/stats/tenant-stats-sql.ts';

describe('windowBefore', () => {
  it('covers the last whole seconds and leaves the current one out', () => {
    expect(windowBefore(1_700_000_010_999, 10)).toEqual({ fromS: 1_700_000_000, toS: 1_700_000_010 });
    expect(windowBefore(1_700_000_010_000, 1)).toEqual({ fromS: 1_700_000_009, toS: 1_700_000_010 });
  });
});

describe('tenantStatsSql', () => {
  it('is scoped to the tenant, with the tenant escaped as a literal', () => {
    const sql = tenantStatsSql('adstream', "o'neil\\", { fromS: 100, toS: 110 });
    expect(sql).toContain("WHERE tenant_id = 'o\\'neil\\\\'");
    expect(sql).toContain('FROM adstream.events');
    expect(sql).toContain('received_at >= toDateTime(100) AND received_at < toDateTime(110)');
  });

  it('refuses a database name that is not an identifier', () => {
    expect(() => tenantStatsSql('adstream; DROP', 't', { fromS: 0, toS: 1 })).toThrow(/identifier/);
  });
});
