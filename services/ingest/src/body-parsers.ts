import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '@adstream/shared/http/http-error';
import { UnparseableLine } from './validate-batch.ts';

const gunzipAsync = promisify(gunzip);

async function decode(request: FastifyRequest, body: Buffer, maxDecompressedBytes: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new HttpError(415, `unsupported Content-Encoding "${encoding}": use gzip or none`);
  try {
    // maxOutputLength stops a decompression bomb before it is inflated in memory.
    return await gunzipAsync(body, { maxOutputLength: maxDecompressedBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new HttpError(413, `decompressed body exceeds ${maxDecompressedBytes} bytes`);
    }
    throw new HttpError(400, `body is not valid gzip: ${(err as Error).message}`);
  }
}

class NdjsonBody {
  readonly items: unknown[];
  constructor(items: unknown[]) {
    this.items = items;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}

function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      items.push(JSON.parse(trimmed));
    } catch (err) {
      items.push(new UnparseableLine(`line is not valid JSON: ${(err as Error).message}`));
    }
  }
  return items;
}

/**
 * JSON and NDJSON bodies, optionally gzip-encoded. Bodies are parsed with plain
 * JSON.parse: prototype keys cannot reach the product because every event is
 * checked against a strict schema that rejects unknown fields.
 */
export function registerBodyParsers(app: FastifyInstance, maxDecompressedBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) =>
    parseJson((await decode(request, body, maxDecompressedBytes)).toString('utf8')),
  );
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) =>
    new NdjsonBody(parseNdjson((await decode(request, body, maxDecompressedBytes)).toString('utf8'))),
  );
}

/** The request's events as a list, whichever of the accepted body shapes it came in. */
export function eventsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body instanceof NdjsonBody) return body.items;
  if (body !== null && typeof body === 'object') {
    if ('events' in body) {
      const keys = Object.keys(body);
      const events = (body as { events: unknown }).events;
      if (keys.length !== 1 || !Array.isArray(events)) {
        throw new HttpError(400, 'a body with "events" must be exactly {"events": [ ... ]}');
      }
      return events;
    }
    return [body];
  }
  throw new HttpError(400, 'body must be an event object, an array of events, {"events": [...]} or NDJSON');
}
