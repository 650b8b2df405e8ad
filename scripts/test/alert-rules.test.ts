// The alert rules as promtool sees them (syntax, then the unit tests in
// adstream-rules.test.yml), and the conventions every alert follows: a
// severity, a summary and a runbook section that exists. Their expressions
// are evaluated against live data in observability.int.test.ts.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadRules, markdownAnchors, RULES_DIR, RULES_FILE, RULES_TEST_FILE } from "../lib/alert-rules.ts";
import { promtoolBinary } from "../lib/prometheus-server.ts";
import { repoRoot } from "../lib/tools.ts";

function promtool(...args: string[]): string {
  try {
    return execFileSync(promtoolBinary(), args, { cwd: RULES_DIR, encoding: "utf8", stdio: "pipe", timeout: 60_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

const rules = loadRules();
const alerts = rules.filter((r) => r.alert !== undefined);

describe("alert rules", () => {
  it("pass promtool check rules", () => {
    expect(promtool("check", "rules", RULES_FILE)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("pass their promtool unit tests", () => {
    expect(promtool("test", "rules", RULES_TEST_FILE)).toMatch(/SUCCESS/);
  });

  it("cover what an SRE needs paging for", () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      "AdstreamClickHouseInsertFailures",
      "AdstreamConsumerLagGrowing",
      "AdstreamDeadLetters",
      "AdstreamFreshnessSLOBreach",
      "AdstreamIngestErrorRatio",
      "AdstreamOperatorAtMaxReplicas",
      "AdstreamTargetDown",
    ]);
  });

  it("each have a severity, a summary, a description and a runbook section that exists", () => {
    const anchors = markdownAnchors(readFileSync(join(repoRoot(), "docs", "runbooks.md"), "utf8"));
    for (const a of alerts) {
      expect(["warning", "critical"], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      const url = a.annotations?.runbook_url ?? "";
      expect(url, a.alert).toMatch(/^docs\/runbooks\.md#/);
      expect(anchors.has(url.split("#")[1]!), `${a.alert}: ${url} has no heading in docs/runbooks.md`).toBe(true);
    }
  });

  it("each have a unit test in which they fire", () => {
    const doc = parse(readFileSync(RULES_TEST_FILE, "utf8")) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(doc.tests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname));
    for (const a of alerts) expect(firing.has(a.alert!), `${a.alert} never fires in ${RULES_TEST_FILE}`).toBe(true);
  });
});
