interface Sample {
  t: number;
  value: number;
}

/**
 * The rate of a growing counter (a stream's last sequence, a tenant's stored
 * rows), from samples taken whenever someone asks for it: no background
 * polling. The rate spans from the newest sample at least `windowMs` old (or
 * the oldest kept) to now, so it covers the window once samples reach back
 * that far.
 */
export class RateSampler {
  readonly #windowMs: number;
  readonly #minSpanMs: number;
  #samples: Sample[] = [];

  constructor(windowMs: number, minSpanMs = 1_000) {
    this.#windowMs = windowMs;
    this.#minSpanMs = minSpanMs;
  }

  /** Records `value` at `t` (ms) and returns units per second, or null until samples span `minSpanMs`. */
  observe(t: number, value: number): number | null {
    const last = this.#samples.at(-1);
    // A counter going backwards was reset (stream recreated, table dropped): earlier samples no longer apply.
    if (last !== undefined && (value < last.value || t < last.t)) this.#samples = [];
    this.#samples.push({ t, value });
    while (this.#samples.length > 2 && this.#samples[1]!.t <= t - this.#windowMs) this.#samples.shift();
    const base = this.#samples[0]!;
    const span = t - base.t;
    if (span < this.#minSpanMs) return null;
    return ((value - base.value) * 1_000) / span;
  }
}
