import { describe, expect, it } from 'vitest';
import { parseCli } from '../generate.ts';

describe('generate CLI arguments', () => {
  it('applies defaults and takes the key from ADSTREAM_API_KEY', () => {
    const r = parseCli([], { ADSTREAM_API_KEY: 'env-key' });
    expect(r).toEqual({
      kind: 'ok',
      config: {
        rate: 1000,
        duration: 60,
        url: 'http://127.0.0.1:8080',
        key: 'env-key',
        batch: 500,
        concurrency: 8,
        late: 0,
        duplicates: 0,
        seed: 1,
        campaigns: 50,
        currency: 'USD',
        ndjson: false,
        gzip: false,
        json: false,
      },
    });
  });

  it('parses every flag; --key wins over the environment', () => {
    const r = parseCli(
      ['--rate', '5000', '--duration', '0', '--url', 'https://ingest.example:8443', '--key', 'flag-key', '--batch', '250',
        '--concurrency', '4', '--late', '0.01', '--duplicates', '0.02', '--seed', '9', '--campaigns', '7',
        '--currency', 'EUR', '--ndjson', '--gzip', '--json'],
      { ADSTREAM_API_KEY: 'env-key' },
    );
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.config).toMatchObject({ rate: 5000, duration: 0, key: 'flag-key', batch: 250, late: 0.01, ndjson: true, gzip: true, json: true });
  });

  it('names the flag in every error', () => {
    const msg = (argv: string[]) => {
      const r = parseCli(argv, { ADSTREAM_API_KEY: 'k' });
      return r.kind === 'error' ? r.message : `unexpected ${r.kind}`;
    };
    expect(msg(['--rate', 'fast'])).toBe('--rate: expected a number of events per second (got "fast")');
    expect(msg(['--rate', '0'])).toBe('--rate: must be > 0 (got "0")');
    expect(msg(['--duration', '-1'])).toMatch(/--duration/);
    expect(msg(['--batch', '1.5'])).toBe('--batch: must be an integer (got "1.5")');
    expect(msg(['--late', '2'])).toBe('--late: must be in [0, 1] (got "2")');
    expect(msg(['--duplicates', 'x'])).toBe('--duplicates: expected a fraction (got "x")');
    expect(msg(['--url', 'ftp://x'])).toMatch(/^--url: expected an http\(s\) URL/);
    expect(msg(['--currency', 'usd'])).toMatch(/^--currency:/);
    expect(msg(['--bogus'])).toMatch(/Unknown option '--bogus'/);
    const noKey = parseCli([], {});
    expect(noKey.kind === 'error' && noKey.message).toBe('--key: is required (or set ADSTREAM_API_KEY)');
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
  });
});
