// Sends event batches to the ingest API at a fixed rate.
//
//   POST ${url}/v1/events   Authorization: Bearer <key>
//   body {"events":[...]} (application/json) or one event per line (application/x-ndjson),
//   optionally gzip-compressed (content-encoding: gzip).
//
// Pacing: batch k (events [k·B, (k+1)·B)) is due at start + k·B/rate seconds; `concurrency`
// workers take batches in order, each waiting for its batch's due time, so at most
// `concurrency` requests are in flight and the total never exceeds rate × duration.
// A worker that falls behind sends at once (catching up), but no batch starts later
// than `lateStartGraceMs` after the end of the duration. The run then drains the requests
// in flight for at most `drainTimeoutMs`, after which they are aborted.
//
// Retries: 429 and 503 honour Retry-After (seconds or HTTP date; all workers pause until
// then), 502/504 and network errors back off exponentially. A retry resends the very
// same bytes, so event ids (and bodies) stay stable. 4xx other than 429 are not retried.
//
// Stop early with `signal`: no new batch starts, requests in flight finish (bounded by
// drainTimeoutMs). Uses the global fetch (undici), which keeps connections alive.

import { setTimeout as sleep } from 'node:timers/promises';
import { gzip as gzipCallback } from 'node:zlib';
import { promisify } from 'node:util';
import type { WireEvent } from './traffic-model.ts';

const gzip = promisify(gzipCallback);

export interface BatchSource {
  nextBatch(size: number): WireEvent[];
}

export interface SenderOptions {
  /** Base URL of the ingest service, e.g. http://127.0.0.1:8080 (the path /v1/events is appended). */
  url: string;
  /** API key with the ingest scope. */
  key: string;
  source: BatchSource;
  /** Target events per second (> 0). */
  rate: number;
  /** Run length in ms; 0 = until `signal` aborts. */
  durationMs: number;
  /** Events per request; default 500. */
  batchSize?: number;
  /** Requests in flight at most; default 8. */
  concurrency?: number;
  /** Body format; default json. */
  format?: 'json' | 'ndjson';
  gzip?: boolean;
  signal?: AbortSignal;
  /** Attempts per batch, first one included; default 8. */
  maxAttempts?: number;
  /** Per-attempt timeout; default 30 s. */
  requestTimeoutMs?: number;
  /** Longest Retry-After honoured (longer values are capped); default 30 s. */
  maxRetryAfterMs?: number;
  /** First backoff when no Retry-After is given (doubles per attempt, capped at 5 s); default 100 ms. */
  backoffMs?: number;
  /** After stop/end, how long requests in flight may take before being aborted; default 10 s. */
  drainTimeoutMs?: number;
  /** How late after the end of the duration a due batch may still start; default 1 s. */
  lateStartGraceMs?: number;
  /** Latency samples kept (reservoir); default 200 000. */
  maxLatencySamples?: number;
}

export interface ErrorSample {
  status: number;
  body: string;
}

/** Live counters (mutated while running; read them for progress). */
export interface SendStats {
  /** Batches started (counted once, whatever the retries). */
  batches: number;
  /** HTTP attempts, retries included. */
  requests: number;
  retries: number;
  /** Events in started batches. */
  sent: number;
  /** From the 2xx bodies {accepted, rejected, errors}. */
  accepted: number;
  rejected: number;
  /** Events of batches that never got a 2xx (final 4xx/5xx, retries exhausted, aborted). */
  failed: number;
  failedBatches: number;
  /** Non-2xx responses by status code (retried ones included). */
  httpErrors: Record<string, number>;
  /** Failed attempts without an HTTP response (refused, reset, timeout). */
  networkErrors: number;
  /** 2xx responses whose body did not carry {accepted, rejected}; their events count as accepted. */
  unparsedResponses: number;
  inFlight: number;
  maxInFlight: number;
  /** Request body bytes, retries included. */
  bytesSent: number;
  /** Per-attempt latency in ms (request start to response body read), a uniform sample if capped. */
  latencyMs: number[];
  /** A few response bodies of non-2xx answers and of 2xx answers that rejected events. */
  errorSamples: ErrorSample[];
  /** Last network error message, if any. */
  lastNetworkError?: string;
  startedAt: number;
  finishedAt?: number;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SendReport {
  stats: SendStats;
  elapsedMs: number;
  /** sent / elapsed seconds. */
  sentPerSecond: number;
  latency: LatencySummary;
  /** Why the run ended. */
  reason: 'completed' | 'aborted';
}

export interface TrafficSender {
  readonly stats: SendStats;
  /** Runs until the duration has elapsed or the signal aborted; resolves, never rejects for HTTP/network errors. */
  run(): Promise<SendReport>;
}

/** Nearest-rank percentile (p in [0, 100]) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarizeLatency(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 100) / 100;
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? 0),
    mean: round(sorted.length ? sum / sorted.length : 0),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/**
 * Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when
 * absent or unparseable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Encodes a batch as the request body. */
export async function encodeBatch(
  events: readonly WireEvent[],
  format: 'json' | 'ndjson',
  compress: boolean,
): Promise<{ body: Uint8Array<ArrayBuffer>; headers: Record<string, string> }> {
  let text: string;
  if (format === 'ndjson') {
    text = '';
    for (const e of events) text += JSON.stringify(e) + '\n';
  } else {
    text = JSON.stringify({ events });
  }
  const headers: Record<string, string> = {
    'content-type': format === 'ndjson' ? 'application/x-ndjson' : 'application/json',
  };
  let body: Uint8Array<ArrayBuffer> = Buffer.from(text, 'utf8');
  if (compress) {
    body = await gzip(body);
    headers['content-encoding'] = 'gzip';
  }
  return { body, headers };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

type AttemptOutcome = { kind: 'ok' } | { kind: 'retry'; delayMs: number } | { kind: 'failed' };

const MAX_ERROR_SAMPLES = 20;
const MAX_BACKOFF_MS = 5000;

export function createTrafficSender(options: SenderOptions): TrafficSender {
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 8;
  const format = options.format ?? 'json';
  const compress = options.gzip ?? false;
  const maxAttempts = options.maxAttempts ?? 8;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 100;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const lateStartGraceMs = options.lateStartGraceMs ?? 1000;
  const maxLatencySamples = options.maxLatencySamples ?? 200_000;
  const { rate, durationMs } = options;

  if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`rate must be a positive number, got ${rate}`);
  if (!(durationMs >= 0 && Number.isFinite(durationMs))) throw new RangeError(`durationMs must be >= 0, got ${durationMs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);

  const endpoint = new URL('v1/events', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
  const totalEvents = durationMs > 0 ? Math.max(1, Math.round((rate * durationMs) / 1000)) : Number.POSITIVE_INFINITY;

  const stats: SendStats = {
    batches: 0,
    requests: 0,
    retries: 0,
    sent: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    failedBatches: 0,
    httpErrors: {},
    networkErrors: 0,
    unparsedResponses: 0,
    inFlight: 0,
    maxInFlight: 0,
    bytesSent: 0,
    latencyMs: [],
    errorSamples: [],
    startedAt: 0,
  };
  let latencySeen = 0;

  const recordLatency = (ms: number): void => {
    latencySeen++;
    if (stats.latencyMs.length < maxLatencySamples) {
      stats.latencyMs.push(ms);
    } else {
      const j = Math.floor(Math.random() * latencySeen);
      if (j < maxLatencySamples) stats.latencyMs[j] = ms;
    }
  };
  const sampleError = (status: number, body: string): void => {
    if (stats.errorSamples.length < MAX_ERROR_SAMPLES) stats.errorSamples.push({ status, body: body.slice(0, 2000) });
  };

  let ran = false;

  const run = async (): Promise<SendReport> => {
    if (ran) throw new Error('a TrafficSender runs once');
    ran = true;

    // stop: no new batch starts. hard: requests in flight and retry waits are aborted,
    // drainTimeoutMs after stop.
    const stop = new AbortController();
    const hard = new AbortController();
    let drainTimer: NodeJS.Timeout | undefined;
    let endTimer: NodeJS.Timeout | undefined;
    let reason: SendReport['reason'] = 'completed';
    const stopScheduling = (): void => {
      if (stop.signal.aborted) return;
      stop.abort();
      drainTimer = setTimeout(() => hard.abort(), drainTimeoutMs);
    };
    const start = performance.now();
    stats.startedAt = Date.now();
    const end = durationMs > 0 ? start + durationMs : Number.POSITIVE_INFINITY;
    const onAbort = (): void => {
      if (performance.now() < end) reason = 'aborted';
      stopScheduling();
    };
    const plannedBatches = Math.ceil(totalEvents / batchSize);
    // Backstop: even if every worker is stuck retrying, nothing new starts after this.
    if (durationMs > 0) endTimer = setTimeout(stopScheduling, durationMs + lateStartGraceMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    let nextIndex = 0;
    let started = 0;
    let pausedUntil = 0; // performance.now() time before which no request starts (Retry-After)

    const waitUntil = async (t: number, signal: AbortSignal): Promise<boolean> => {
      const delay = t - performance.now();
      if (delay <= 0) return !signal.aborted;
      try {
        await sleep(delay, undefined, { signal });
        return true;
      } catch {
        return false;
      }
    };

    /** One HTTP attempt and its bookkeeping. */
    const attempt = async (
      body: Uint8Array<ArrayBuffer>,
      headers: Record<string, string>,
      count: number,
      attemptNo: number,
    ): Promise<AttemptOutcome> => {
      stats.requests++;
      stats.bytesSent += body.byteLength;
      const t0 = performance.now();
      const retryAfter = (delayMs: number): AttemptOutcome =>
        attemptNo < maxAttempts ? { kind: 'retry', delayMs } : { kind: 'failed' };
      const backoff = (): number => Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attemptNo - 1)) * (0.5 + Math.random() / 2);
      let response: Response;
      let text: string;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { ...headers, authorization: `Bearer ${options.key}` },
          body,
          signal: AbortSignal.any([hard.signal, AbortSignal.timeout(requestTimeoutMs)]),
        });
        text = await response.text();
      } catch (err) {
        recordLatency(performance.now() - t0);
        if (hard.signal.aborted) {
          stats.lastNetworkError = 'aborted at the end of the drain period';
          return { kind: 'failed' };
        }
        stats.networkErrors++;
        stats.lastNetworkError = isAbort(err) ? `request timed out after ${requestTimeoutMs} ms` : errorMessage(err);
        return retryAfter(backoff());
      }
      recordLatency(performance.now() - t0);

      const status = response.status;
      if (status >= 200 && status < 300) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const p = parsed as { accepted?: unknown; rejected?: unknown } | undefined;
        if (p && typeof p.accepted === 'number' && typeof p.rejected === 'number') {
          stats.accepted += p.accepted;
          stats.rejected += p.rejected;
          if (p.rejected > 0) sampleError(status, text);
        } else {
          stats.unparsedResponses++;
          stats.accepted += count;
        }
        return { kind: 'ok' };
      }

      stats.httpErrors[String(status)] = (stats.httpErrors[String(status)] ?? 0) + 1;
      sampleError(status, text);
      if (status === 429 || status === 503) {
        const ra = parseRetryAfter(response.headers.get('retry-after'));
        const delay = ra === undefined ? backoff() : Math.min(ra, maxRetryAfterMs);
        if (ra !== undefined) pausedUntil = Math.max(pausedUntil, performance.now() + delay);
        return retryAfter(delay);
      }
      if (status === 502 || status === 504) return retryAfter(backoff());
      return { kind: 'failed' };
    };

    const sendBatch = async (events: WireEvent[]): Promise<void> => {
      const { body, headers } = await encodeBatch(events, format, compress);
      stats.batches++;
      stats.sent += events.length;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        for (let n = 1; n <= maxAttempts; n++) {
          if (n > 1) stats.retries++;
          const outcome = await attempt(body, headers, events.length, n);
          if (outcome.kind === 'ok') return;
          if (outcome.kind === 'failed') break;
          if (!(await waitUntil(Math.max(performance.now() + outcome.delayMs, pausedUntil), hard.signal))) break;
        }
        stats.failed += events.length;
        stats.failedBatches++;
      } finally {
        stats.inFlight--;
      }
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        if (stop.signal.aborted) return;
        const first = nextIndex * batchSize;
        if (first >= totalEvents) return;
        nextIndex++;
        const due = start + (first * 1000) / rate;
        if (!(await waitUntil(due, stop.signal))) return;
        if (pausedUntil > performance.now() && !(await waitUntil(pausedUntil, stop.signal))) return;
        if (performance.now() > end + lateStartGraceMs) {
          // Fell too far behind: the duration is over.
          stopScheduling();
          return;
        }
        const size = Math.min(batchSize, totalEvents - first);
        const events = options.source.nextBatch(size);
        if (++started === plannedBatches) stopScheduling(); // all batches started: drain from here on
        await sendBatch(events);
      }
    };

    try {
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
      // A run lasts its duration (the last batch is due one batch interval before the end).
      if (reason === 'completed' && Number.isFinite(end)) await waitUntil(end, options.signal ?? new AbortController().signal);
    } finally {
      clearTimeout(endTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    const elapsedMs = performance.now() - start;
    stats.finishedAt = Date.now();
    return {
      stats,
      elapsedMs,
      sentPerSecond: elapsedMs > 0 ? (stats.sent * 1000) / elapsedMs : 0,
      latency: summarizeLatency(stats.latencyMs),
      reason,
    };
  };

  return { stats, run };
}
