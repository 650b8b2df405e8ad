import { describe, expect, it } from "vitest";
import { expandClickHouseMacros, expandPromBuiltins, interpolateVariables } from "../lib/grafana-templating.ts";

describe("interpolateVariables", () => {
  it("replaces $name, ${name} and quotes ${name:sqlstring}", () => {
    expect(interpolateVariables('up{job=~"$job", instance=~"${instance}"}', { job: "adstream-.+", instance: ".+" })).toBe('up{job=~"adstream-.+", instance=~".+"}');
    expect(interpolateVariables("WHERE tenant_id = ${tenant:sqlstring}", { tenant: "o'brien\\x" })).toBe("WHERE tenant_id = 'o\\'brien\\\\x'");
  });

  it("keeps Grafana's built-ins for their own step and refuses unknown variables", () => {
    expect(interpolateVariables("rate(x[$__rate_interval])", {})).toBe("rate(x[$__rate_interval])");
    expect(() => interpolateVariables("x{job=~\"$jb\"}", { job: "a" })).toThrow(/\$jb/);
  });
});

describe("expandPromBuiltins", () => {
  it("substitutes the interval and range variables", () => {
    expect(expandPromBuiltins("increase(x[$__range]) / rate(y[$__rate_interval])", { rateInterval: "1m", interval: "15s", range: "5m" })).toBe("increase(x[5m]) / rate(y[1m])");
  });
});

describe("expandClickHouseMacros", () => {
  const range = { fromMs: Date.parse("2026-01-02T03:00:00Z"), toMs: Date.parse("2026-01-02T04:00:00Z") };
  it("expands time filters to DateTime literals, as the plugin does", () => {
    expect(expandClickHouseMacros("WHERE $__timeFilter(minute) AND hour <= $__toTime", range)).toBe(
      "WHERE minute >= toDateTime(1767322800) AND minute <= toDateTime(1767326400) AND hour <= toDateTime(1767326400)",
    );
    expect(expandClickHouseMacros("$__dateFilter(day)", range)).toBe("day >= toDate('2026-01-02') AND day <= toDate('2026-01-02')");
  });

  it("refuses macros it does not know", () => {
    expect(() => expandClickHouseMacros("SELECT $__conditionalAll(x, $y)", range)).toThrow(/\$__conditionalAll/);
  });
});
