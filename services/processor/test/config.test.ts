import { describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../src/config.ts';

describe('processor configuration', () => {
  it('has working defaults', () => {
    expect(loadProcessorConfig({})).toMatchObject({ CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DATABASE: 'adstream', NATS_NAME: 'adstream-processor', FLUSH_INTERVAL_MS: 250, MIGRATE_ON_START: true });
  });

  it('refuses bad values, naming each variable', () => {
    expect(() => loadProcessorConfig({ CLICKHOUSE_URL: 'localhost:8123', CLICKHOUSE_DATABASE: 'x; DROP', FLUSH_INTERVAL_MS: '0' })).toThrow(
      /CLICKHOUSE_URL: must be an http\(s\) URL[\s\S]*CLICKHOUSE_DATABASE: must be a plain identifier[\s\S]*FLUSH_INTERVAL_MS: must be ≥ 10/,
    );
  });
});
