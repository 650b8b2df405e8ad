// Observability verified for real: the local stack with its /metrics ports,
// Debian's Prometheus scraping it every second with the repository's alert
// rules loaded, traffic flowing. Then every PromQL expression of every
// dashboard panel and alert rule is evaluated through Prometheus' HTTP API,
// every SQL query of the ClickHouse dashboard runs on ClickHouse, and one
// ingest request is followed through NATS into the processor's spans.
//
// "Returns no series" fails a query, except for the queries in
// EXPECTED_ABSENT, named one by one: those read metrics of the operator,
// which does not run yet. They must return nothing (when they start to,
// the list is out of date and this test says so).

import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRules, RULES_FILE } from "../lib/alert-rules.ts";
import { writeApiKeysFile, type KeyEntry } from "../lib/api-keys-file.ts";
import { dashboardQueries, loadDashboards, type DashboardQuery } from "../lib/dashboard-queries.ts";
import { freePort } from "../lib/free-port.ts";
import { expandClickHouseMacros, expandPromBuiltins, interpolateVariables } from "../lib/grafana-templating.ts";
import { startLocalStack, type LocalStack } from "../lib/local-stack.ts";
import { instantQuery, startPrometheus, type PrometheusHandle } from "../lib/prometheus-server.ts";
import { withBoolComparisons } from "../lib/promql-comparisons.ts";
import { makeTempDir, removeTempDir } from "../lib/temp-dir.ts";
import { createTrafficModel } from "../lib/traffic-model.ts";
import { createTrafficSender } from "../lib/traffic-sender.ts";
import { waitFor } from "../lib/wait-for.ts";

const OPERATOR = "the operator (issue 5) does not run yet, so nothing emits adstream_operator_* or up{job=\"adstream-operator\"}";

const EXPECTED_ABSENT: Readonly<Record<string, string>> = {
  "adstream-pipeline › Processor replicas: desired and current (operator) › A": OPERATOR,
  "adstream-pipeline › Processor replicas: desired and current (operator) › B": OPERATOR,
  "adstream-operator › Processor replicas: desired, current, min, max › A": OPERATOR,
  "adstream-operator › Processor replicas: desired, current, min, max › B": OPERATOR,
  "adstream-operator › Processor replicas: desired, current, min, max › C": OPERATOR,
  "adstream-operator › Processor replicas: desired, current, min, max › D": OPERATOR,
  "adstream-operator › Headroom (max − desired) › A": OPERATOR,
  "adstream-operator › Scaling decisions by direction and reason › A": OPERATOR,
  "adstream-operator › Decisions in the time range › A": OPERATOR,
  "adstream-operator › Consumer lag: as the operator saw it and as the processors report it › A": OPERATOR,
  "adstream-operator › Operator up › A": OPERATOR,
  "rule AdstreamOperatorAtMaxReplicas": OPERATOR,
};

// Grafana's variables, as a user selecting "All" would have them.
const PROM_VARIABLES = { job: "adstream-.+", instance: ".+" };
const PROM_BUILTINS = { rateInterval: "1m", interval: "15s", range: "5m" };
const TENANT = "demo";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  links?: { traceId: string; spanId: string }[];
}

/** Receives OTLP/HTTP JSON trace exports from the services, standing where a collector would. */
function startTraceReceiver(port: number): { server: Server; spans: OtlpSpan[] } {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const doc = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
        for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(port, "127.0.0.1");
  return { server, spans };
}

let dir: string;
let key: KeyEntry;
let stack: LocalStack | undefined;
let prom: PrometheusHandle | undefined;
let receiver: { server: Server; spans: OtlpSpan[] } | undefined;
const queries = loadDashboards().flatMap((d) => dashboardQueries(d.json));
const rules = loadRules();

const scalar = async (expr: string) => {
  const r = await instantQuery(prom!.url, expr);
  return r.ok && r.series.length > 0 ? Number(r.series[0]!.value[1]) : undefined;
};

async function clickhouse(sql: string): Promise<{ status: number; rows: unknown[][]; text: string }> {
  const res = await fetch(stack!.clickhouse.url, { method: "POST", body: `${sql}\nFORMAT JSONCompact` });
  const text = await res.text();
  return { status: res.status, rows: res.status === 200 ? (JSON.parse(text) as { data: unknown[][] }).data : [], text };
}

beforeAll(async () => {
  dir = await makeTempDir("observability");
  [key] = await writeApiKeysFile(join(dir, "keys.json"), [TENANT]);
  const receiverPort = await freePort();
  receiver = startTraceReceiver(receiverPort);
  stack = await startLocalStack({
    dataDir: dir,
    apiKeysFile: join(dir, "keys.json"),
    logLevel: "warn",
    metrics: true,
    env: {
      FLUSH_INTERVAL_MS: "100",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
      OTEL_BSP_SCHEDULE_DELAY: "200",
    },
  });
  prom = await startPrometheus({ dataDir: join(dir, "prometheus"), targets: stack.metricsTargets, ruleFiles: [RULES_FILE], intervalSeconds: 1 });

  const sender = createTrafficSender({
    url: stack.ingestUrl,
    key: key!.key,
    source: createTrafficModel({ seed: 4, campaigns: 10, duplicateFraction: 0.02, clock: Date.now }),
    rate: 1500,
    durationMs: 12_000,
    batchSize: 100,
    concurrency: 4,
  });
  const auth = { authorization: `Bearer ${key!.key}` };
  const extra = (async () => {
    for (let i = 0; i < 10; i++) {
      // Some refused events (unknown field, missing campaign) and reads on the query API, alongside the traffic.
      await fetch(`${stack!.ingestUrl}/v1/events`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify([{ type: "click", campaign_id: "x", colour: "red" }, { type: "click" }, { type: "click", campaign_id: "x" }]),
      }).then((r) => r.arrayBuffer());
      await fetch(`${stack!.queryUrl}/v1/campaigns/x/insights?from=-1h`, { headers: auth }).then((r) => r.arrayBuffer());
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const report = await sender.run();
  await extra;
  expect(report.stats.accepted).toBeGreaterThan(0);

  await waitFor("Prometheus to scrape every service and see the traffic processed", async () => {
    const up = await scalar('count(up{job=~"adstream-.+"} == 1)');
    const accepted = await scalar("sum(adstream_ingest_events_accepted_total)");
    const stored = await scalar("sum(adstream_processor_events_stored_total)");
    const lag = await scalar("max(adstream_processor_consumer_lag)");
    return up === stack!.metricsTargets.length && (accepted ?? 0) >= report.stats.accepted && (stored ?? 0) > 0 && lag === 0;
  }, 120_000, 500);
  await waitFor("every rule to be evaluated at least once", async () => {
    const body = (await (await fetch(`${prom!.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string }[] }[] } };
    return body.data.groups.flatMap((g) => g.rules).every((r) => r.health !== "unknown");
  }, 60_000, 500);
});

afterAll(async () => {
  await prom?.stop();
  await stack?.stop();
  receiver?.server.close();
  if (dir) await removeTempDir(dir);
});

function expectSeries(key: string, series: number) {
  if (key in EXPECTED_ABSENT) {
    expect(series, `${key} returned data; remove it from EXPECTED_ABSENT (it was absent because ${EXPECTED_ABSENT[key]})`).toBe(0);
  } else {
    expect(series, `${key} returned no series`).toBeGreaterThan(0);
  }
}

describe("observability against a real Prometheus", () => {
  it("scrapes ingest, processor and query", () => {
    expect(stack!.metricsTargets.map((t) => t.job).sort()).toEqual(["adstream-ingest", "adstream-processor", "adstream-query"]);
  });

  it("lists in EXPECTED_ABSENT only queries that exist", () => {
    const keys = new Set([...queries.map((q) => q.key), ...rules.map((r) => `rule ${r.alert ?? r.record}`)]);
    for (const k of Object.keys(EXPECTED_ABSENT)) expect(keys.has(k), `EXPECTED_ABSENT names ${k}, which no dashboard or rule has`).toBe(true);
  });

  it("evaluates every dashboard panel's PromQL to series", async () => {
    const prometheus = queries.filter((q) => q.kind === "prometheus" && !q.key.includes("› $"));
    expect(prometheus.length).toBeGreaterThan(30);
    for (const q of prometheus) {
      const expr = expandPromBuiltins(interpolateVariables(q.text!, PROM_VARIABLES), PROM_BUILTINS);
      const r = await instantQuery(prom!.url, expr);
      if (!r.ok) throw new Error(`${q.key}: Prometheus refused ${expr}: ${r.error}`);
      expectSeries(q.key, r.series.length);
    }
  });

  it("finds the label values every Prometheus variable offers", async () => {
    const variables = queries.filter((q: DashboardQuery) => q.kind === "prometheus" && q.key.includes("› $"));
    expect(variables.length).toBeGreaterThan(0);
    for (const v of variables) {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.text ?? "");
      expect(m, `${v.key}: expected label_values(<selector>, <label>)`).not.toBeNull();
      const r = await instantQuery(prom!.url, interpolateVariables(m![1]!, PROM_VARIABLES));
      if (!r.ok) throw new Error(`${v.key}: ${r.error}`);
      expect(r.series.filter((s) => s.metric[m![2]!] !== undefined).length, v.key).toBeGreaterThan(0);
    }
  });

  it("evaluates every alert rule: Prometheus runs them without errors and their series exist", async () => {
    const body = (await (await fetch(`${prom!.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const loaded = body.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert ?? r.record).sort());
    for (const r of loaded) expect(r.health, `${r.name}: ${r.lastError ?? ""}`).toBe("ok");
    for (const rule of rules) {
      // With `bool` the comparison keeps its 0/1 result per series instead of filtering: series must exist even while all is well.
      const expr = withBoolComparisons(rule.expr);
      const r = await instantQuery(prom!.url, expr);
      if (!r.ok) throw new Error(`rule ${rule.alert}: Prometheus refused ${expr}: ${r.error}`);
      expectSeries(`rule ${rule.alert ?? rule.record}`, r.series.length);
    }
  });

  it("runs every query of the campaign KPI dashboard on ClickHouse, with rows", async () => {
    const sqlQueries = queries.filter((q) => q.kind === "clickhouse");
    const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 };
    const run = async (q: DashboardQuery, values: Record<string, string>) => {
      const sql = expandClickHouseMacros(interpolateVariables(q.text!, values), range);
      const r = await clickhouse(sql);
      expect(r.status, `${q.key}: ${r.text}\n${sql}`).toBe(200);
      expect(r.rows.length, `${q.key} returned no rows:\n${sql}`).toBeGreaterThan(0);
      return r.rows;
    };
    const tenants = await run(sqlQueries.find((q) => q.key.endsWith("$tenant"))!, {});
    expect(tenants.map((r) => r[0])).toContain(TENANT);
    const campaigns = await run(sqlQueries.find((q) => q.key.endsWith("$campaign"))!, { tenant: TENANT });
    const values = { tenant: TENANT, campaign: String(campaigns[0]![0]) };
    const panels = sqlQueries.filter((q) => !q.key.includes("› $"));
    expect(panels.length).toBeGreaterThan(5);
    for (const q of panels) await run(q, values);
  });

  it("follows an ingest request through NATS into the processor's spans", async () => {
    const spans = () => receiver!.spans;
    const find = (name: string) => spans().filter((s) => s.name === name);
    await waitFor("spans from ingest and processor", async () => find("deliver adstream.events").length > 0 && find("process adstream.events").length > 0, 30_000, 200);
    const byId = new Map(spans().map((s) => [s.spanId, s]));
    const chain = find("deliver adstream.events")
      .map((deliver) => {
        const publish = byId.get(deliver.parentSpanId ?? "");
        const request = byId.get(publish?.parentSpanId ?? "");
        return { deliver, publish, request };
      })
      .find((c) => c.publish?.name === "publish ADSTREAM_EVENTS" && c.request?.name === "POST /v1/events");
    expect(chain, "a deliver span under a publish span under an ingest request span").toBeDefined();
    const { deliver, publish, request } = chain!;
    expect(new Set([deliver.traceId, publish!.traceId, request!.traceId]).size).toBe(1);
    const batch = byId.get(deliver.links?.[0]?.spanId ?? "");
    expect(batch?.name).toBe("process adstream.events");
    expect(batch!.links?.map((l) => l.spanId)).toContain(publish!.spanId);
    const steps = spans().filter((s) => s.parentSpanId === batch!.spanId).map((s) => s.name);
    expect(steps).toEqual(expect.arrayContaining(["SELECT event_ids", "INSERT events"]));
  });
});
