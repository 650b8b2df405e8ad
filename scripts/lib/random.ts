// Small, dependency-free, seeded pseudo-random numbers for deterministic traffic.
//
// Generator: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, 128-bit
// state, as used by PractRand), seeded through splitmix32. Not cryptographic; the
// point is that the same seed always yields the same stream on every platform.
// Stateless derivation (a value that depends only on some inputs, e.g. a user's
// attributes from its index) goes through `hash32`.

/** One step of splitmix32: a good 32-bit mixer, used to expand seeds. */
export function splitmix32(state: number): { value: number; state: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return { value: z >>> 0, state: next };
}

/** sfc32 seeded from a 32-bit seed; returns a function yielding uint32 values. */
export function sfc32(seed: number): () => number {
  let s = seed | 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = splitmix32(s);
    s = r.state;
    words.push(r.value | 0);
  }
  let a = words[0]!;
  let b = words[1]!;
  let c = words[2]!;
  let d = words[3]!;
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs, as recommended for counter-based generators.
  for (let i = 0; i < 12; i++) step();
  return step;
}

/**
 * Deterministic 32-bit hash of a list of strings/numbers (FNV-1a over the parts,
 * finished with the murmur3 fmix32 avalanche). Used for stateless derivation.
 * Integers in [0, 2^32) are hashed by their 4 bytes (fast path); other numbers by
 * their decimal text.
 */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'number' && Number.isInteger(part) && part >= 0 && part <= 0xffffffff) {
      let x = part >>> 0;
      for (let i = 0; i < 4; i++) {
        h ^= x & 0xff;
        h = Math.imul(h, 0x01000193);
        x >>>= 8;
      }
      h ^= 0x1e; // number marker
    } else {
      const s = typeof part === 'number' ? String(part) : part;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
      h ^= 0x1f; // string marker, so ("ab","c") != ("a","bc")
    }
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 lowercase hex digits of a uint32. */
export function hex32(x: number): string {
  return BYTE_HEX[x >>> 24]! + BYTE_HEX[(x >>> 16) & 0xff]! + BYTE_HEX[(x >>> 8) & 0xff]! + BYTE_HEX[x & 0xff]!;
}

/** A prepared weighted choice: O(log n) per draw. */
export interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly weights: readonly number[];
  /** Cumulative weights, normalised so the last is exactly 1. */
  readonly cumulative: readonly number[];
}

export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  if (entries.length === 0) throw new RangeError('weightedTable: no entries');
  let total = 0;
  for (const [, w] of entries) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weightedTable: bad weight ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('weightedTable: weights sum to 0');
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of entries) {
    acc += w / total;
    cumulative.push(acc);
  }
  cumulative[cumulative.length - 1] = 1;
  return {
    values: entries.map(([v]) => v),
    weights: entries.map(([, w]) => w / total),
    cumulative,
  };
}

export interface Rng {
  /** Uniform uint32. */
  uint32(): number;
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [min, max] (inclusive). */
  intBetween(min: number, max: number): number;
  /** Uniform float in [min, max). */
  range(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  pick<T>(values: readonly T[]): T;
  weighted<T>(table: WeightedTable<T>): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Log-normal with the given median and sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number;
  /** Log-uniform in [min, max). */
  logUniform(min: number, max: number): number;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
  /** n lowercase hex characters. */
  hex(n: number): string;
  /** n decimal digits, the first one non-zero. */
  digits(n: number): string;
}

const HEX = '0123456789abcdef';

export function createRng(seed: number): Rng {
  const u32 = sfc32(seed);
  const next = (): number => u32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  const rng: Rng = {
    uint32: u32,
    next,
    int,
    intBetween: (min, max) => min + int(max - min + 1),
    range: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: <T>(values: readonly T[]): T => {
      if (values.length === 0) throw new RangeError('pick: empty list');
      return values[int(values.length)]!;
    },
    weighted: <T>(table: WeightedTable<T>): T => {
      const x = next();
      const c = table.cumulative;
      let lo = 0;
      let hi = c.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x < c[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return table.values[lo]!;
    },
    normal: () => {
      // 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * rng.normal()),
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        let w = u32();
        for (let j = 0; j < 4 && i + j < n; j++) {
          out[i + j] = w & 0xff;
          w >>>= 8;
        }
      }
      return out;
    },
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += HEX[int(16)];
      return s;
    },
    digits: (n) => {
      let s = String(1 + int(9));
      for (let i = 1; i < n; i++) s += String(int(10));
      return s;
    },
  };
  return rng;
}
