// Closed-loop HTTP load for one scenario: `concurrency` workers each send a
// request, wait for the whole response body, and send the next, until the
// duration is over. Latency is measured on the client from sending to the last
// body byte. The global fetch (undici) keeps connections alive, as a dashboard
// or API client would.
import { createRng } from './random.ts';
import type { BenchContext, BenchRequest, Scenario } from './bench-query-scenarios.ts';

export interface LoadRunOptions {
  baseUrl: string;
  scenario: Scenario;
  ctx: BenchContext;
  concurrency: number;
  durationMs: number;
  seed: number;
  /** A request still unanswered after this counts as an error. */
  timeoutMs: number;
}

export interface FailedRequest {
  /** HTTP status, or 0 when no response came (connection error, timeout). */
  status: number;
  request: string;
  body: string;
}

export interface LoadRunResult {
  scenario: string;
  concurrency: number;
  startedMs: number;
  endedMs: number;
  /** Milliseconds of every successful (2xx) request. */
  latencies: number[];
  errors: number;
  errorsByStatus: Record<string, number>;
  /** The first few failures, bodies cut short. */
  firstErrors: FailedRequest[];
}

const KEPT_ERRORS = 3;
const KEPT_BODY_CHARS = 400;

async function send(baseUrl: string, r: BenchRequest, timeoutMs: number): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${r.key}` };
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + r.path, { method: r.method, headers, body: r.body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Sleeps into the next whole second of the wall clock. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}

/**
 * Runs one scenario. One request per worker before the clock starts warms
 * connections and the service's code paths; the measured window starts and
 * ends in seconds of its own, so ClickHouse's query log (second resolution)
 * can tell its queries from the warm-up's and the neighbouring scenarios'.
 */
export async function runScenarioLoad(o: LoadRunOptions): Promise<LoadRunResult> {
  const latencies: number[] = [];
  const errorsByStatus: Record<string, number> = {};
  const firstErrors: FailedRequest[] = [];
  let errors = 0;
  const fail = (status: number, request: BenchRequest, body: string) => {
    errors++;
    errorsByStatus[String(status)] = (errorsByStatus[String(status)] ?? 0) + 1;
    if (firstErrors.length < KEPT_ERRORS) firstErrors.push({ status, request: `${request.method} ${request.path}`, body: body.slice(0, KEPT_BODY_CHARS) });
  };
  const attempt = async (request: BenchRequest, record: boolean) => {
    const t0 = performance.now();
    try {
      const { status, body } = await send(o.baseUrl, request, o.timeoutMs);
      const ms = performance.now() - t0;
      if (!record) return;
      if (status >= 200 && status < 300) latencies.push(ms);
      else fail(status, request, body);
    } catch (err) {
      if (record) fail(0, request, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
  };
  const concurrency = Math.min(o.concurrency, o.scenario.maxConcurrency ?? o.concurrency);
  const rngs = Array.from({ length: concurrency }, (_, i) => createRng(o.seed * 1009 + i));
  await nextSecond();
  await Promise.all(rngs.map((rng) => attempt(o.scenario.build(rng, o.ctx), false)));
  await nextSecond();
  const startedMs = Date.now();
  const deadline = performance.now() + o.durationMs;
  await Promise.all(
    rngs.map(async (rng) => {
      while (performance.now() < deadline) await attempt(o.scenario.build(rng, o.ctx), true);
    }),
  );
  return { scenario: o.scenario.name, concurrency, startedMs, endedMs: Date.now(), latencies, errors, errorsByStatus, firstErrors };
}
