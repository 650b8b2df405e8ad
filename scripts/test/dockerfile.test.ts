import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/tools.ts';

/**
 * No Docker engine runs here, so the Dockerfile is checked statically for the
 * properties the chart and the README rely on.
 */

interface Instruction {
  op: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l)!;
      return { op: m[1]!.toUpperCase(), args: m[2]! };
    });
}

/** The instructions of each stage, by stage name, with those of the stages it builds on first. */
function stages(all: Instruction[]): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const i of all) {
    if (i.op === 'FROM') {
      const [base, , name] = i.args.split(/\s+/);
      current = [...(out.get(base!) ?? []), i];
      out.set(name ?? `stage${out.size}`, current);
    } else current?.push(i);
  }
  return out;
}

const root = repoRoot();
const dockerfile = instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const byStage = stages(dockerfile);
const stageNames = [...byStage.keys()];
// The last stage is what `docker build` produces without --target.
const final = byStage.get(stageNames.at(-1)!)!;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[]; devDependencies: Record<string, string> };

describe('Dockerfile', () => {
  it('builds on the official Node slim image, pinned to the Node version the tests run on', () => {
    const arg = dockerfile.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))!;
    expect(arg.args).toBe(`NODE_IMAGE=node:${pkg.devDependencies.node}-bookworm-slim`);
    const froms = dockerfile.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]!);
    for (const [n, base] of froms.entries()) expect(['${NODE_IMAGE}', ...stageNames.slice(0, n)]).toContain(base);
  });

  it('names no moving tag anywhere', () => {
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).not.toMatch(/:latest\b/);
  });

  it('is multi-stage: npm ci in the build stage, only its production node_modules in the final one', () => {
    expect(stageNames.length).toBeGreaterThanOrEqual(2);
    const build = byStage.get('build')!;
    expect(build.some((i) => i.op === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(final.some((i) => i.op === 'RUN' && /\bnpm\b/.test(i.args))).toBe(false);
    expect(stageNames.at(-1)).toBe('runtime');
    expect(final.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build /app/node_modules'))).toBe(true);
  });

  it('copies every workspace manifest before npm ci, so the lockfile install sees the whole tree', () => {
    const build = byStage.get('build')!;
    const ci = build.findIndex((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    const copied = build.slice(0, ci).filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copied).toContain('package.json package-lock.json ./');
    for (const ws of pkg.workspaces) expect(copied, ws).toContain(`${ws}/package.json ${ws}/`);
  });

  it('runs as a numeric non-root user, under tini, with the service picked by the command', () => {
    const user = final.filter((i) => i.op === 'USER').at(-1)!;
    const [uid, gid] = user.args.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    expect(final.find((i) => i.op === 'ENTRYPOINT')!.args).toBe('["/usr/bin/tini", "--", "node"]');
    expect(final.some((i) => i.op === 'RUN' && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
    expect(JSON.parse(final.find((i) => i.op === 'CMD')!.args)).toEqual(['services/ingest/src/main.ts']);
  });

  it("has a dev target for Tilt whose sources the process user may overwrite", () => {
    const dev = byStage.get('dev')!;
    expect(dev.some((i) => i.op === 'RUN' && i.args === 'chown -R 1000:1000 /app/services /app/operator')).toBe(true);
    expect(dev.filter((i) => i.op === 'USER').at(-1)!.args).toBe('1000:1000');
  });

  it('ships the sources of every workspace the chart runs', () => {
    const copies = final.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).map((i) => i.args);
    expect(copies).toEqual(expect.arrayContaining(['services ./services', 'operator ./operator', 'package.json ./']));
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps local state, tools and tests out of the build context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '.tools', '.data', '.results', '**/test']));
  });

  it('keeps in what the Dockerfile copies', () => {
    for (const kept of ['services', 'operator', 'package.json', 'package-lock.json']) expect(ignored).not.toContain(kept);
  });
});

describe('what the image runs', () => {
  /** Every .ts file under the source folders the image ships. */
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => relative(root, join(e.parentPath, e.name)));
  const shipped = pkg.workspaces.flatMap((ws) => sources(`${ws}/src`));
  // Type-only imports are erased when Node strips the types, so they need nothing at run time.
  const specifiers = (file: string) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

  it('finds the sources', () => {
    expect(shipped.length).toBeGreaterThan(50);
    expect(shipped).toContain('services/ingest/src/main.ts');
  });

  it('imports nothing outside services/ and operator/, the folders the image copies', () => {
    const outside = shipped.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(root, resolve(dirname(join(root, file)), s)))
        .filter((target) => !target.startsWith('services/') && !target.startsWith('operator/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('imports only production dependencies (npm ci --omit=dev leaves out the rest)', () => {
    const production = new Set<string>();
    for (const ws of ['.', ...pkg.workspaces]) {
      const manifest = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
      production.add(manifest.name);
      for (const dep of Object.keys(manifest.dependencies ?? {})) production.add(dep);
    }
    const builtins = new Set(builtinModules);
    const missing = shipped.flatMap((file) =>
      specifiers(file)
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s))
        .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!))
        .filter((name) => !production.has(name))
        .map((name) => `${file} imports ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
