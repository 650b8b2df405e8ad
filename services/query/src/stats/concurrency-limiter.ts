/** Counts open things (streams) per key and refuses more than `max` at once. */
export class ConcurrencyLimiter {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  tryAcquire(key: string): boolean {
    const n = this.#open.get(key) ?? 0;
    if (n >= this.#max) return false;
    this.#open.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.#open.get(key) ?? 0;
    if (n <= 1) this.#open.delete(key);
    else this.#open.set(key, n - 1);
  }

  open(key: string): number {
    return this.#open.get(key) ?? 0;
  }
}
