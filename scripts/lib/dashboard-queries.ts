// The repository's Grafana dashboards (observability/grafana/dashboards) and
// every query in them, flattened for tests: panel targets and query
// variables, each with the data source kind it runs on.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./tools.ts";

export const DASHBOARDS_DIR = join(repoRoot(), "observability", "grafana", "dashboards");

/** The data source plugins the dashboards may use, by the variable that selects each. */
export const DATASOURCE_VARIABLES = {
  prometheus: { variable: "datasource", pluginType: "prometheus" },
  clickhouse: { variable: "clickhouse", pluginType: "grafana-clickhouse-datasource" },
} as const;

export type QueryKind = keyof typeof DATASOURCE_VARIABLES;

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  datasource?: DataSourceRef;
  targets?: Array<Record<string, unknown>>;
  panels?: PanelJson[];
}

export interface VariableJson {
  name: string;
  type: string;
  query?: unknown;
  datasource?: DataSourceRef;
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
}

export interface DashboardFile {
  file: string;
  json: DashboardJson;
}

export interface DashboardQuery {
  /** "<dashboard uid> › <panel title> › <refId>", or "<uid> › $<variable>" for a variable's query. */
  key: string;
  kind: QueryKind | "unknown";
  /** PromQL (expr) or SQL (rawSql / the variable's query); undefined when the target has neither. */
  text: string | undefined;
}

export function loadDashboards(dir: string = DASHBOARDS_DIR): DashboardFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: join(dir, f), json: JSON.parse(readFileSync(join(dir, f), "utf8")) as DashboardJson }));
}

/** Every panel, including those nested in collapsed rows. */
export function allPanels(d: DashboardJson): PanelJson[] {
  return (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function kindOf(ref: DataSourceRef | undefined): QueryKind | "unknown" {
  for (const [kind, ds] of Object.entries(DATASOURCE_VARIABLES)) if (ref?.type === ds.pluginType) return kind as QueryKind;
  return "unknown";
}

export function dashboardQueries(d: DashboardJson): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== "query") continue;
    out.push({ key: `${d.uid} › $${v.name}`, kind: kindOf(v.datasource), text: typeof v.query === "string" ? v.query : undefined });
  }
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) {
      const kind = kindOf((t.datasource as DataSourceRef | undefined) ?? p.datasource);
      const text = kind === "prometheus" ? t.expr : kind === "clickhouse" ? t.rawSql : undefined;
      out.push({ key: `${d.uid} › ${p.title ?? `panel ${p.id}`} › ${String(t.refId)}`, kind, text: typeof text === "string" ? text : undefined });
    }
  }
  return out;
}
