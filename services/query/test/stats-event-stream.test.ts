import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatsEventStream, type StatsEventStreamOptions } from '../src/stats/stats-event-stream.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function open(overrides: Partial<StatsEventStreamOptions> = {}) {
  let n = 0;
  const ended = vi.fn();
  const errors: unknown[] = [];
  const stream = new StatsEventStream({
    intervalMs: 2_000,
    heartbeatMs: 5_000,
    next: async () => ({ n: ++n }),
    onEnd: ended,
    onError: (err) => errors.push(err),
    ...overrides,
  });
  const chunks: string[] = [];
  stream.readable.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, chunks, ended, errors, text: () => chunks.join('') };
}

describe('StatsEventStream', () => {
  it('opens with a comment and a stats event, then sends one every interval with heartbeats between', async () => {
    const s = open();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.text()).toBe(': stats stream open\n\nevent: stats\ndata: {"n":1}\n\n');
    await vi.advanceTimersByTimeAsync(6_000);
    expect(s.text().match(/event: stats\n/g)).toHaveLength(4);
    expect(s.text()).toContain(': heartbeat\n\n');
    expect(s.text()).toContain('data: {"n":4}\n\n');
    s.stream.end();
  });

  it('reports failed figures as a stats_error event without internals, and goes on', async () => {
    let fail = true;
    const s = open({
      next: async () => {
        if (fail) throw new Error('ClickHouse at 10.0.0.5 refused');
        return { ok: true };
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.text()).toContain('event: stats_error\ndata: {"message":"statistics are unavailable right now; the stream retries"}\n\n');
    expect(s.text()).not.toContain('10.0.0.5');
    expect(s.errors).toHaveLength(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.text()).toContain('event: stats\ndata: {"ok":true}\n\n');
    s.stream.end();
  });

  it('never overlaps: the next computation is scheduled after the previous one finished', async () => {
    let running = 0;
    let maxRunning = 0;
    const s = open({
      next: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((r) => setTimeout(r, 5_000));
        running--;
        return {};
      },
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(maxRunning).toBe(1);
    // Written at 5 s, 12 s, 19 s and 26 s: 5 s of work, then the 2 s interval.
    expect(s.text().match(/event: stats\n/g)).toHaveLength(4);
    s.stream.end();
  });

  it('end() finishes the body, stops the timers and reports the end once', async () => {
    const s = open();
    await vi.advanceTimersByTimeAsync(0);
    const finished = new Promise((r) => s.stream.readable.once('end', r));
    s.stream.end();
    s.stream.end();
    await finished;
    const before = s.text();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(s.text()).toBe(before);
    expect(s.ended).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a destroyed body (client gone) stops the timers and reports the end once', async () => {
    const s = open();
    await vi.advanceTimersByTimeAsync(0);
    s.stream.readable.destroy();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(s.ended).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
