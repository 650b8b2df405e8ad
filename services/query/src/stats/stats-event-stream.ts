import { Readable } from 'node:stream';
import { sseComment, sseEvent } from './sse-frames.ts';

export interface StatsEventStreamOptions {
  intervalMs: number;
  heartbeatMs: number;
  /** The next `stats` payload; a rejection becomes a `stats_error` event and the stream goes on. */
  next: () => Promise<unknown>;
  /** Runs once, however the stream ends: client gone, server closing, or error. */
  onEnd: () => void;
  /** Told why figures failed; the client only learns that they did. */
  onError: (err: unknown) => void;
}

/**
 * An SSE body: a `stats` event at once and then every `intervalMs` (the next
 * one is scheduled when the previous one is written, so slow figures never
 * pile up), a heartbeat comment every `heartbeatMs`. A client that does not
 * read is skipped rather than buffered for.
 */
export class StatsEventStream {
  readonly readable: Readable;
  readonly #o: StatsEventStreamOptions;
  #tick: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout;
  #ended = false;

  constructor(opts: StatsEventStreamOptions) {
    this.#o = opts;
    this.readable = new Readable({
      read() {},
      destroy: (err, callback) => {
        this.#cleanup();
        callback(err);
      },
    });
    this.readable.once('end', () => this.#cleanup());
    // Fastify writes the response head with the first chunk: send one now.
    this.readable.push(sseComment('stats stream open'));
    this.#heartbeat = setInterval(() => this.#write(sseComment('heartbeat')), opts.heartbeatMs);
    void this.#emit();
  }

  /** Ends the response normally (server shutting down). */
  end(): void {
    if (this.#ended) return;
    this.#cleanup();
    this.readable.push(null);
  }

  async #emit(): Promise<void> {
    let frame: string;
    try {
      frame = sseEvent('stats', await this.#o.next());
    } catch (err) {
      this.#o.onError(err);
      frame = sseEvent('stats_error', { message: 'statistics are unavailable right now; the stream retries' });
    }
    if (this.#ended) return;
    this.#write(frame);
    this.#tick = setTimeout(() => void this.#emit(), this.#o.intervalMs);
  }

  #write(frame: string): void {
    if (this.#ended || this.readable.readableLength > 64 * 1024) return;
    this.readable.push(frame);
  }

  #cleanup(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#tick);
    clearInterval(this.#heartbeat);
    this.#o.onEnd();
  }
}
