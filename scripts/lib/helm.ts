import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, toolsBinDir } from './tools.ts';

/** The chart folder, absolute. */
export function chartDir(): string {
  return join(repoRoot(), 'charts', 'adstream');
}

/** helm built by scripts/setup.sh into .tools/bin; a system helm of another version would test something else. */
export function helmBinary(): string {
  const path = join(toolsBinDir(), 'helm');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`helm not found at ${path}; run \`npm run setup\` (builds it with go install)`);
  }
  return path;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface HelmOptions {
  /** A cluster to talk to; without one, `lookup` finds nothing and capabilities are helm's defaults unless given. */
  kubeconfig?: string;
}

/** Runs helm with a throwaway home, so no user repository or plugin configuration leaks in. */
export function helm(args: readonly string[], o: HelmOptions = {}): HelmResult {
  const isolated = join(repoRoot(), '.tools', 'helm-home');
  const r = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH ?? '',
      // client-go keeps its discovery cache under $HOME/.kube.
      HOME: isolated,
      HELM_CACHE_HOME: join(isolated, 'cache'),
      HELM_CONFIG_HOME: join(isolated, 'config'),
      HELM_DATA_HOME: join(isolated, 'data'),
      KUBECONFIG: o.kubeconfig ?? '/dev/null',
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface TemplateOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: readonly string[];
  set?: readonly string[];
  /** e.g. monitoring.coreos.com/v1/ServiceMonitor: APIs `.Capabilities.APIVersions.Has` should report. */
  apiVersions?: readonly string[];
  kubeVersion?: string;
  includeCrds?: boolean;
}

export function templateArgs(o: TemplateOptions = {}): string[] {
  const args = ['template', o.release ?? 'adstream', chartDir(), '--namespace', o.namespace ?? 'adstream'];
  for (const f of o.valuesFiles ?? []) args.push('--values', f);
  for (const s of o.set ?? []) args.push('--set', s);
  for (const a of o.apiVersions ?? []) args.push('--api-versions', a);
  if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
  if (o.includeCrds) args.push('--include-crds');
  return args;
}

/** `helm template`; throws with helm's own message when it fails. */
export function helmTemplate(o: TemplateOptions = {}): string {
  const r = helm(templateArgs(o));
  if (r.status !== 0) throw new Error(`helm template failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}
