import { describe, expect, it } from 'vitest';
import { loadOperatorConfig } from '../src/config.ts';

const noFile = '/nonexistent/namespace';

describe('operator configuration', () => {
  it('has working defaults outside a cluster', () => {
    expect(loadOperatorConfig({ POD_NAME: 'op-0' }, noFile)).toMatchObject({
      NATS_URL: 'nats://127.0.0.1:4222',
      LEASE_NAME: 'adstream-operator',
      LEASE_DURATION_SECONDS: 15,
      RENEW_DEADLINE_SECONDS: 10,
      RETRY_PERIOD_SECONDS: 2,
      WATCH_NAMESPACE: undefined,
      identity: 'op-0',
      leaseNamespace: 'default',
    });
  });

  it('takes the lease namespace from POD_NAMESPACE', () => {
    expect(loadOperatorConfig({ POD_NAMESPACE: 'adstream' }, noFile).leaseNamespace).toBe('adstream');
  });

  it('refuses bad values, naming each variable', () => {
    expect(() => loadOperatorConfig({ WATCH_NAMESPACE: 'Not_A_Namespace', LEASE_DURATION_SECONDS: 'x' }, noFile)).toThrow(
      /LEASE_DURATION_SECONDS: must be a number[\s\S]*WATCH_NAMESPACE: must be a Kubernetes name|WATCH_NAMESPACE: must be a Kubernetes name[\s\S]*LEASE_DURATION_SECONDS: must be a number/,
    );
  });

  it('refuses timings under which two replicas could act at once', () => {
    expect(() => loadOperatorConfig({ LEASE_DURATION_SECONDS: '10', RENEW_DEADLINE_SECONDS: '10' }, noFile)).toThrow(/RENEW_DEADLINE_SECONDS: must be less than LEASE_DURATION_SECONDS/);
    expect(() => loadOperatorConfig({ RETRY_PERIOD_SECONDS: '10' }, noFile)).toThrow(/RETRY_PERIOD_SECONDS: must be less than RENEW_DEADLINE_SECONDS/);
  });
});
