import { describe, expect, it } from 'vitest';
import { tenantEventSubject } from '../src/jetstream-topology.ts';

describe('tenantEventSubject', () => {
  it('uses a tenant that is a valid subject token as is', () => {
    expect(tenantEventSubject('adstream', 'acme_EU-1')).toBe('adstream.events.acme_EU-1');
  });

  it('hashes a tenant that is not, so that it cannot add or match subject tokens', () => {
    const subject = tenantEventSubject('adstream', 'acme.*');
    expect(subject).toMatch(/^adstream\.events\.h[0-9a-f]{24}$/);
    expect(tenantEventSubject('adstream', 'acme.>')).not.toBe(subject);
  });
});
