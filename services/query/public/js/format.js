// Number formatting for tiles and tables. Missing values (null: a ratio with a
// zero denominator, a figure the server could not get) show as a dash.

const DASH = '–';
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const precise = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

const missing = (v) => v === null || v === undefined || Number.isNaN(v);

export const fmtInt = (v) => (missing(v) ? DASH : integer.format(v));
export const fmtRate = (v) => (missing(v) ? DASH : decimal.format(v));
export const fmtMoney = (v) => (missing(v) ? DASH : money.format(v));
export const fmtPrecise = (v) => (missing(v) ? DASH : precise.format(v));
export const fmtPercent = (v) => (missing(v) ? DASH : percent.format(v));
export const fmtRatio = (v) => (missing(v) ? DASH : `${decimal.format(v)}×`);

export function fmtAge(seconds) {
  if (missing(seconds)) return DASH;
  if (seconds < 60) return `${decimal.format(seconds)} s`;
  if (seconds < 3600) return `${decimal.format(seconds / 60)} min`;
  if (seconds < 86400) return `${decimal.format(seconds / 3600)} h`;
  return `${decimal.format(seconds / 86400)} d`;
}

export function fmtBytes(bytes) {
  if (missing(bytes)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${decimal.format(v)} ${units[i]}`;
}
