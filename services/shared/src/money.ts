/**
 * Money travels as decimal currency units on the wire and is stored as integer
 * micros. Converting through the decimal string (not by multiplying floats)
 * keeps 0.1 + 0.2 from becoming 300000.00000000006 micros.
 */
export const MAX_MONEY_UNITS = 1_000_000_000;
const DECIMAL = /^(0|[1-9]\d{0,9})(?:\.(\d{1,6}))?$/;

export type MoneyResult = { ok: true; micros: number } | { ok: false; message: string };

export function toMicros(value: unknown): MoneyResult {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
    if (value < 0) return { ok: false, message: 'must be ≥ 0' };
    // A double has at most 6 fraction digits in its shortest form exactly when
    // it is the double nearest to some k / 1e6, i.e. when k / 1e6 gives it back.
    const scaled = Math.round(value * 1_000_000);
    if (value <= MAX_MONEY_UNITS && scaled / 1_000_000 === value) return { ok: true, micros: scaled };
    // Otherwise the text form explains why it is refused.
    text = value.toString();
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return { ok: false, message: 'must be a decimal number or decimal string' };
  }
  if (text.startsWith('-')) return { ok: false, message: 'must be ≥ 0' };
  const match = DECIMAL.exec(text);
  if (!match) {
    return { ok: false, message: 'must be a decimal amount with at most 6 fraction digits' };
  }
  const whole = Number(match[1]);
  if (whole > MAX_MONEY_UNITS) return { ok: false, message: `must be ≤ ${MAX_MONEY_UNITS}` };
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  return { ok: true, micros: whole * 1_000_000 + fraction };
}
