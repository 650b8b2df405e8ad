import type { Column } from './json-compact-reader.ts';

/**
 * ClickHouse writes 64-bit integers as JSON strings (the SQL profile asks
 * for that on every version, so none arrives already rounded). The API
 * turns each back into a number when it fits one exactly (|n| ≤ 2^53 - 1),
 * which is nearly always: a count, a sum of counts. Larger ones stay
 * strings, exact.
 */
type Convert = (value: unknown) => unknown;

const toNumber: Convert = (value) => {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) && String(n) === value ? n : value;
};

function converter(type: string): Convert | undefined {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  if (wrapped) return converter(wrapped[1]!);
  if (type === 'UInt64' || type === 'Int64') return toNumber;
  const array = /^Array\((.*)\)$/.exec(type);
  const element = array ? converter(array[1]!) : undefined;
  return element === undefined ? undefined : (value) => (Array.isArray(value) ? value.map(element) : value);
}

export function convertInt64(columns: readonly Column[], rows: unknown[][]): unknown[][] {
  const converters = columns.map((c) => converter(c.type));
  if (converters.every((c) => c === undefined)) return rows;
  return rows.map((row) => row.map((value, i) => (converters[i] === undefined ? value : converters[i](value))));
}
