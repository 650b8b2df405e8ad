// The dashboards in observability/grafana/dashboards, checked against
// Grafana's published dashboard schema and for the mistakes the schema
// cannot see. Their queries run against real Prometheus and ClickHouse in
// observability.int.test.ts.
//
// The schema is derived at test time from the installed @grafana/schema's
// TypeScript declaration of `Dashboard` (raw/dashboard/x/types.gen.d.ts, the
// types Grafana generates from its CUE dashboard kind), by
// scripts/lib/ts-json-schema.ts: so it always matches the pinned package
// version and nothing is copied by hand.

import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { allPanels, dashboardQueries, DATASOURCE_VARIABLES, kindOf, loadDashboards, type DashboardJson, type PanelJson } from "../lib/dashboard-queries.ts";
import { interpolateVariables } from "../lib/grafana-templating.ts";
import { jsonSchemaFromDeclarations } from "../lib/ts-json-schema.ts";

const GRAFANA_TYPES = fileURLToPath(new URL("../../node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts", import.meta.url));
const derived = jsonSchemaFromDeclarations(GRAFANA_TYPES, "Dashboard");
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(derived.schema);
const schemaErrors = (d: unknown) => (validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`));

const dashboards = loadDashboards();

describe("the derived Grafana dashboard schema", () => {
  it("covers the dashboard, its panels, rows and variables", () => {
    expect(derived.definitions).toEqual(expect.arrayContaining(["Dashboard", "Panel", "RowPanel", "GridPos", "VariableModel", "FieldConfigSource", "DataSourceRef"]));
  });

  it("refuses what Grafana would not understand", () => {
    const base: DashboardJson & Record<string, unknown> = { uid: "x", title: "x", schemaVersion: 39, panels: [] };
    expect(schemaErrors(base)).toEqual([]);
    expect(schemaErrors({ ...base, schemaVersion: undefined })).not.toEqual([]);
    expect(schemaErrors({ ...base, graphTooltip: 7 })).not.toEqual([]);
    expect(schemaErrors({ ...base, panels: [{ id: 1, title: "no type" }] })).not.toEqual([]);
    expect(schemaErrors({ ...base, panels: [{ id: 1, type: "stat", gridpos: { x: 0, y: 0, w: 1, h: 1 } }] })).not.toEqual([]);
    expect(schemaErrors({ ...base, panels: [{ id: 1, type: "stat", fieldConfig: { defaults: {} } }] })).not.toEqual([]);
    expect(schemaErrors({ ...base, templating: { list: [{ name: "v", type: "dropdown" }] } })).not.toEqual([]);
  });
});

describe("dashboards", () => {
  it("include the pipeline overview, service detail, operator and campaign KPI dashboards, with distinct uids", () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(["adstream-campaign-kpis", "adstream-operator", "adstream-pipeline", "adstream-service"]);
  });

  for (const { file, json: d } of dashboards) {
    describe(d.uid, () => {
      it("is valid against Grafana's dashboard schema", () => {
        expect(schemaErrors(d), file).toEqual([]);
      });

      it("has unique panel ids and unique refIds within each panel", () => {
        const ids = allPanels(d).map((p) => p.id);
        expect(ids.every((id) => typeof id === "number")).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of allPanels(d)) {
          const refs = (p.targets ?? []).map((t) => t.refId);
          expect(new Set(refs).size, p.title).toBe(refs.length);
        }
      });

      it("refers to data sources only through declared datasource variables of the matching plugin", () => {
        const declared = new Map((d.templating?.list ?? []).filter((v) => v.type === "datasource").map((v) => [`\${${v.name}}`, v.query]));
        const check = (where: string, ref: { type?: string; uid?: string } | undefined) => {
          expect(ref, where).toBeDefined();
          expect(declared.get(ref!.uid ?? ""), `${where}: datasource uid ${ref!.uid}`).toBe(ref!.type);
          expect(kindOf(ref), where).not.toBe("unknown");
        };
        for (const p of allPanels(d)) {
          if (p.type === "row") continue;
          check(`panel ${p.title}`, p.datasource);
          for (const t of p.targets ?? []) check(`panel ${p.title} target ${String(t.refId)}`, t.datasource as { type?: string; uid?: string });
        }
        for (const v of d.templating?.list ?? []) if (v.type === "query") check(`variable ${v.name}`, v.datasource);
      });

      it("gives every Prometheus target an expr and every ClickHouse target raw SQL", () => {
        const targets = allPanels(d).flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));
        expect(targets.length).toBeGreaterThan(0);
        for (const { p, t } of targets) {
          const kind = kindOf((t.datasource as { type?: string } | undefined) ?? p.datasource);
          if (kind === "prometheus") {
            expect(typeof t.expr === "string" && t.expr.trim() !== "", `${p.title} ${String(t.refId)}: expr`).toBe(true);
          } else {
            expect(kind).toBe("clickhouse");
            expect(typeof t.rawSql === "string" && t.rawSql.trim() !== "", `${p.title} ${String(t.refId)}: rawSql`).toBe(true);
            expect(t.editorType, `${p.title}: editorType`).toBe("sql");
            expect(["table", "timeSeries"], `${p.title}: queryType`).toContain(t.queryType);
          }
        }
      });

      it("uses only variables it declares", () => {
        const values = Object.fromEntries((d.templating?.list ?? []).map((v) => [v.name, "x"]));
        for (const q of dashboardQueries(d)) expect(() => interpolateVariables(q.text ?? "", values), q.key).not.toThrow();
      });

      it("lays panels out on the 24-column grid without overlaps", () => {
        const boxes = allPanels(d).map((p: PanelJson & { gridPos?: { x: number; y: number; w: number; h: number } }) => ({ title: p.title, ...p.gridPos! }));
        for (const b of boxes) expect(b.x + b.w, b.title).toBeLessThanOrEqual(24);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, b] = [boxes[i]!, boxes[j]!];
            const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
          }
        }
      });
    });
  }

  it("the campaign KPI dashboard reads ClickHouse through grafana-clickhouse-datasource", () => {
    const kpis = dashboards.find((d) => d.json.uid === "adstream-campaign-kpis")!.json;
    const kinds = new Set(dashboardQueries(kpis).map((q) => q.kind));
    expect([...kinds]).toEqual(["clickhouse"]);
    expect(DATASOURCE_VARIABLES.clickhouse.pluginType).toBe("grafana-clickhouse-datasource");
  });
});
