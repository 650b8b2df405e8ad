import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sseComment, sseEvent } from '../src/stats/sse-frames.ts';

interface SseEvent {
  type: string;
  data: string;
}
type Parser = { feed(chunk: string): void };

// The dashboard's parser is a browser module without types; loaded as such, it runs in Node unchanged.
let createSseParser: (onEvent: (e: SseEvent) => void) => Parser;
beforeAll(async () => {
  const url = pathToFileURL(join(import.meta.dirname, '..', 'public', 'js', 'sse.js')).href;
  ({ createSseParser } = (await import(url)) as { createSseParser: typeof createSseParser });
});

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const c of chunks) parser.feed(c);
  return events;
}

describe('SSE frames', () => {
  it('writes an event as event and data lines closed by a blank line', () => {
    expect(sseEvent('stats', { a: 1, s: 'x\ny' })).toBe('event: stats\ndata: {"a":1,"s":"x\\ny"}\n\n');
  });

  it('writes comments on one line', () => {
    expect(sseComment('heart\nbeat')).toBe(': heart beat\n\n');
  });
});

describe("the dashboard's SSE parser", () => {
  it('reads the server frames back, however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom('stats', 'stats_error'), payload: fc.jsonValue() }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, cuts) => {
          const text = sseComment('open') + events.map((e) => sseEvent(e.type, e.payload) + sseComment('heartbeat')).join('');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(text.slice(at, p));
            at = p;
          }
          chunks.push(text.slice(at));
          const parsed = parseChunks(chunks);
          expect(parsed.map((e) => e.type)).toEqual(events.map((e) => e.type));
          expect(parsed.map((e) => JSON.parse(e.data))).toEqual(events.map((e) => JSON.parse(JSON.stringify(e.payload))));
        },
      ),
    );
  });

  it('accepts CRLF and CR line ends, multi-line data and the default event type', () => {
    expect(parseChunks(['event: a\r\ndata: 1\r\ndata: 2\r\n\r', '\ndata:x\r\rid: 7\n\n'])).toEqual([
      { type: 'a', data: '1\n2' },
      { type: 'message', data: 'x' },
    ]);
  });
});
