/**
 * Durations in the CRD are Go duration strings ("30s", "2m", "1h30m"), the
 * form Kubernetes users know from metav1.Duration and which CEL's duration()
 * understands, so the API server can check them too.
 */
export const DURATION_PATTERN = '^(0|([0-9]+(ms|s|m|h))+)$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /([0-9]+)(ms|s|m|h)/g;

export function isDuration(text: string): boolean {
  return new RegExp(DURATION_PATTERN).test(text);
}

/** Milliseconds in a duration string; throws on anything DURATION_PATTERN refuses. */
export function durationMs(text: string): number {
  if (!isDuration(text)) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}
