import { describe, expect, it } from "vitest";
import { withBoolComparisons } from "../lib/promql-comparisons.ts";

describe("withBoolComparisons", () => {
  it("adds bool to top-level comparisons only", () => {
    expect(withBoolComparisons('up{job=~"adstream-.+"} == 0')).toBe('up{job=~"adstream-.+"} == bool 0');
    expect(withBoolComparisons("sum by (reason) (rate(x_total[5m])) > 0")).toBe("sum by (reason) (rate(x_total[5m])) > bool 0");
    expect(withBoolComparisons("max(a) > 1000 and max(deriv(a[10m])) > 0")).toBe("max(a) > bool 1000 and max(deriv(a[10m])) > bool 0");
    expect(withBoolComparisons("max by (d) (a) >= max by (d) (b)")).toBe("max by (d) (a) >= bool max by (d) (b)");
  });

  it("leaves comparisons inside parentheses, label matchers and strings alone", () => {
    expect(withBoolComparisons("count(up == 1)")).toBe("count(up == 1)");
    expect(withBoolComparisons('x{a!="b", c=~"d>e"} < 0.99')).toBe('x{a!="b", c=~"d>e"} < bool 0.99');
    expect(withBoolComparisons('label_replace(x, "a", ">", "b", "c") != 1')).toBe('label_replace(x, "a", ">", "b", "c") != bool 1');
  });

  it("does not add a second bool", () => {
    expect(withBoolComparisons("a > bool 1")).toBe("a > bool 1");
  });
});
