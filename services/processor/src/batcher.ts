export interface BatchLimits {
  maxRows: number;
  maxBytes: number;
  maxAgeMs: number;
}

/**
 * Collects items until a size bound or the age bound of its oldest item is
 * reached. Pure: the caller supplies the clock and decides when to drain.
 */
export class Batcher<T> {
  readonly #limits: BatchLimits;
  #items: T[] = [];
  #rows = 0;
  #bytes = 0;
  #firstAt = 0;

  constructor(limits: BatchLimits) {
    this.#limits = limits;
  }

  add(item: T, rows: number, bytes: number, nowMs: number): void {
    if (this.#items.length === 0) this.#firstAt = nowMs;
    this.#items.push(item);
    this.#rows += rows;
    this.#bytes += bytes;
  }

  get size(): number {
    return this.#items.length;
  }

  get rows(): number {
    return this.#rows;
  }

  isFull(): boolean {
    return this.#rows >= this.#limits.maxRows || this.#bytes >= this.#limits.maxBytes;
  }

  isDue(nowMs: number): boolean {
    return this.#items.length > 0 && (this.isFull() || nowMs - this.#firstAt >= this.#limits.maxAgeMs);
  }

  forEach(fn: (item: T) => void): void {
    this.#items.forEach(fn);
  }

  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    this.#rows = 0;
    this.#bytes = 0;
    return items;
  }
}
