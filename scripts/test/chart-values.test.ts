import { describe, expect, it } from 'vitest';
import { helm, templateArgs } from '../lib/helm.ts';

/** helm's answer to `helm template` with these --set values; it must fail. */
function refused(...set: string[]): string {
  const r = helm(templateArgs({ set }));
  expect(r.status, `helm accepted ${set.join(' ')}`).not.toBe(0);
  return r.stderr;
}

describe('bad values fail at install with a message naming the value', () => {
  it.each([
    [['ingest.replicas=-1'], "at '/ingest/replicas': minimum: got -1, want 0"],
    [['processor.replicas=-3'], "at '/processor/replicas': minimum: got -3, want 0"],
    [['ingest.replica=2'], "at '/ingest': additional properties 'replica' not allowed"],
    [['nats.storage.sise=1Gi'], "at '/nats/storage': additional properties 'sise' not allowed"],
    [['nats.enabled=false'], "at '/nats/external/url': minLength: got 0, want 1"],
    [['clickhouse.enabled=false'], "at '/clickhouse/external/url': minLength: got 0, want 1"],
    [['nats.enabled=false', 'nats.external.url=localhost:4222'], "at '/nats/external/url'"],
    [['nats.replicas=2'], "at '/nats/replicas': value must be one of 1, 3, 5"],
    // Variables the chart derives itself are not settable through `config`.
    [['ingest.config.API_KEYS_FILE=/tmp/keys.json'], "at '/ingest/config': additional properties 'API_KEYS_FILE' not allowed"],
    [['query.config.CLICKHOUSE_PASSWORD=secret'], "at '/query/config': additional properties 'CLICKHOUSE_PASSWORD' not allowed"],
    // Bounds come from the services' own zod schemas.
    [['ingest.config.BODY_LIMIT_BYTES=10'], "at '/ingest/config/BODY_LIMIT_BYTES': minimum: got 10, want 1,024"],
    [['jetstream.JETSTREAM_REPLICAS=7'], "at '/jetstream/JETSTREAM_REPLICAS': maximum: got 7, want 5"],
    // And the EventPipeline's from the CRD.
    [['pipeline.autoscaling.targetDrainSeconds=1'], "at '/pipeline/autoscaling/targetDrainSeconds': minimum: got 1, want 10"],
    [['pipeline.autoscaling.maxStep=3'], "at '/pipeline/autoscaling': additional properties 'maxStep' not allowed"],
    [['apiKeys.generated.scopes={write}'], "at '/apiKeys/generated/scopes/0'"],
    [['ingest.resources.requests.cpu=lots'], "at '/ingest/resources/requests/cpu'"],
  ])('%j', (set, message) => {
    expect(refused(...set)).toContain(message);
  });

  it.each([
    [['image.tag=latest'], 'image.tag: `latest` is a moving tag; name a version'],
    [['clickhouse.image.tag=latest'], 'clickhouse.image.tag: `latest` is a moving tag; name a version'],
    [['ingest.config.SHUTDOWN_GRACE_MS=60000'], 'ingest.terminationGracePeriodSeconds (30 s) must exceed ingest.config.SHUTDOWN_GRACE_MS (60000 ms)'],
    [['processor.terminationGracePeriodSeconds=20'], 'processor.terminationGracePeriodSeconds (20 s) must exceed processor.config.SHUTDOWN_GRACE_MS (25000 ms)'],
    [['query.autoscaling.minReplicas=8', 'query.autoscaling.maxReplicas=4'], 'query.autoscaling.minReplicas (8) must not exceed query.autoscaling.maxReplicas (4)'],
    [['pipeline.autoscaling.minReplicas=30'], 'pipeline.autoscaling.minReplicas (30) must not exceed pipeline.autoscaling.maxReplicas (20)'],
  ])('%j (checked across values by the templates)', (set, message) => {
    expect(refused(...set)).toContain(message);
  });

  it('accepts the same keys with good values', () => {
    const r = helm(templateArgs({ set: ['ingest.replicas=3', 'ingest.config.BODY_LIMIT_BYTES=1048576', 'nats.enabled=false', 'nats.external.url=nats://nats:4222'] }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
