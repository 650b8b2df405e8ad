import { describe, expect, it } from "vitest";
import { parseUpCli } from "../lib/up-cli.ts";

const ok = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseUpCli(argv, env, "/tmp");
  if (r.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.config;
};

describe("up --with-prometheus", () => {
  it("is off by default", () => {
    expect(ok([]).prometheusPort).toBeUndefined();
  });

  it("starts Prometheus on 9090, or on PROMETHEUS_PORT", () => {
    expect(ok(["--with-prometheus"]).prometheusPort).toBe(9090);
    expect(ok(["--with-prometheus"], { PROMETHEUS_PORT: "19090" }).prometheusPort).toBe(19090);
  });

  it("names PROMETHEUS_PORT when it is bad or collides with another port", () => {
    expect(parseUpCli(["--with-prometheus"], { PROMETHEUS_PORT: "abc" }, "/tmp")).toEqual({
      kind: "error",
      message: 'PROMETHEUS_PORT: expected a TCP port number (got "abc")',
    });
    expect(parseUpCli(["--with-prometheus"], { PROMETHEUS_PORT: "8080" }, "/tmp")).toEqual({
      kind: "error",
      message: "INGEST_PORT and PROMETHEUS_PORT: must differ (both 8080)",
    });
    // Without the flag the variable is not used, so it cannot collide.
    expect(ok([], { PROMETHEUS_PORT: "8080" }).prometheusPort).toBeUndefined();
  });
});
