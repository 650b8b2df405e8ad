import { describe, expect, it } from 'vitest';
import { loadQueryConfig } from '../src/config.ts';

const required = { API_KEYS_FILE: '/keys.json' };

describe('stats and stream configuration', () => {
  it('has no NATS by default, and the documented defaults', () => {
    const c = loadQueryConfig(required);
    expect(c.NATS_URL).toBeUndefined();
    expect(c).toMatchObject({ NATS_NAME: 'adstream-query', STATS_WINDOW_SECONDS: 10, STREAM_INTERVAL_MS: 2_000, STREAM_HEARTBEAT_MS: 15_000, STREAM_MAX_PER_KEY: 4 });
  });

  it('reads NATS_URL and the stream settings', () => {
    const c = loadQueryConfig({ ...required, NATS_URL: 'nats://n1:4222,nats://n2:4222', STREAM_INTERVAL_MS: '500', STREAM_MAX_PER_KEY: '1' });
    expect(c).toMatchObject({ NATS_URL: 'nats://n1:4222,nats://n2:4222', STREAM_INTERVAL_MS: 500, STREAM_MAX_PER_KEY: 1 });
  });

  it('names the variable that is out of range', () => {
    expect(() => loadQueryConfig({ ...required, STREAM_INTERVAL_MS: '10' })).toThrow(/STREAM_INTERVAL_MS: must be ≥ 250/);
    expect(() => loadQueryConfig({ ...required, STATS_WINDOW_SECONDS: 'ten' })).toThrow(/STATS_WINDOW_SECONDS: must be a number/);
  });
});
