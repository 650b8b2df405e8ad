// The repository's Prometheus rule file (observability/prometheus), parsed
// for tests: which alerts exist, their expressions, labels and annotations.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { ADSTREAM_RULES_FILE } from "./prometheus-server.ts";

export const RULES_FILE = ADSTREAM_RULES_FILE;
export const RULES_DIR = dirname(RULES_FILE);
export const RULES_TEST_FILE = join(RULES_DIR, "adstream-rules.test.yml");

export interface Rule {
  group: string;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadRules(file: string = RULES_FILE): Rule[] {
  const doc = parse(readFileSync(file, "utf8")) as { groups: { name: string; rules: Omit<Rule, "group">[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
}

/** The heading anchors GitHub generates for a Markdown file's headings. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split("\n")) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) anchors.add(m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-"));
  }
  return anchors;
}
