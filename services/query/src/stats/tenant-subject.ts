import { createHash } from 'node:crypto';
import { eventSubject } from '@adstream/shared/jetstream-topology';

const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The JetStream subject ingest publishes a tenant's events on. Tenant names
 * that are not valid subject tokens are hashed, exactly as ingest's publisher
 * does; the stats integration test holds the two to the same answer.
 */
export function tenantEventSubject(subjectPrefix: string, tenant: string): string {
  const token = SAFE_TOKEN.test(tenant) ? tenant : `h${createHash('sha256').update(tenant).digest('hex').slice(0, 24)}`;
  return eventSubject({ subjectPrefix }, token);
}
