// Alert expressions end in a comparison (`rate(x[5m]) > 0`), so on a healthy
// system they return nothing, which says nothing about whether their series
// exist. With `bool` after each top-level comparison operator they return
// 0/1 for every series they compare instead: empty then means the data the
// alert watches is missing.

const COMPARISONS = ["==", "!=", ">=", "<=", ">", "<"];

/** Adds `bool` to every comparison outside parentheses, braces, brackets and strings. */
export function withBoolComparisons(expr: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === "\\" && c !== "`" ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === "(" || c === "{" || c === "[") depth++;
    if (c === ")" || c === "}" || c === "]") depth--;
    if (depth === 0) {
      const op = COMPARISONS.find((o) => expr.startsWith(o, i));
      if (op !== undefined) {
        const rest = expr.slice(i + op.length);
        out += /^\s*bool\b/.test(rest) ? op : `${op} bool`;
        i += op.length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}
