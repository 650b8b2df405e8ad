import { describe, expect, it } from 'vitest';
import { parseBenchQueryArgs } from '../lib/bench-query-cli.ts';

describe('parseBenchQueryArgs', () => {
  it('defaults to the full benchmark: 50M events, 8 concurrent requests, 20 s per endpoint', () => {
    const r = parseBenchQueryArgs([]);
    expect(r).toEqual({
      kind: 'options',
      options: { events: 50_000_000, reuse: false, chunk: 2_000_000, parallel: 2, days: 35, campaigns: 300, seed: 1, concurrency: 8, duration: 20, alone: 10, settle: 120, timeout: 30_000 },
    });
  });

  it('takes the quick-run flags', () => {
    const r = parseBenchQueryArgs(['--events', '2000000', '--duration', '5', '--reuse', '--only', 'breakdown', '--data-dir', '/tmp/x']);
    expect(r.kind === 'options' && r.options).toMatchObject({ events: 2_000_000, duration: 5, reuse: true, only: 'breakdown', 'data-dir': '/tmp/x' });
  });

  it('names the flag of a bad value', () => {
    expect(parseBenchQueryArgs(['--events', '12x'])).toEqual({ kind: 'error', message: '--events: must be a number' });
    expect(parseBenchQueryArgs(['--days', '30'])).toEqual({ kind: 'error', message: '--days: must be ≥ 32' });
    expect(parseBenchQueryArgs(['--concurrency', '1.5'])).toEqual({ kind: 'error', message: '--concurrency: must be a whole number' });
    expect(parseBenchQueryArgs(['--only', '(unclosed'])).toEqual({ kind: 'error', message: '--only: must be a valid regular expression' });
  });

  it('refuses unknown flags and answers --help', () => {
    const r = parseBenchQueryArgs(['--event', '5']);
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toMatch(/--event/);
    expect(parseBenchQueryArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
