import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { k8sManifests } from '../src/manifests/render-manifests.ts';
import { toYaml } from '../src/manifests/yaml.ts';

const root = new URL('../../', import.meta.url);

describe('k8s/ manifests', () => {
  it.each(Object.entries(k8sManifests()))('%s is what `npm run render:k8s` writes', (path, content) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(content);
  });
});

describe('toYaml', () => {
  it('writes nested maps and lists, keeping key order', () => {
    expect(toYaml({ b: 1, a: { list: [{ x: 'w', z: [1, 2] }, 'plain'], empty: {}, none: [] } })).toBe(
      ['b: 1', 'a:', '  list:', '    - x: w', '      z:', '        - 1', '        - 2', '    - plain', '  empty: {}', '  none: []', ''].join('\n'),
    );
  });

  it('quotes every string YAML would read as something else', () => {
    const quoted = ['true', 'No', 'y', 'null', '~', '0s', '12', '-1', 'a: b', 'x #y', '', ' lead', 'trail ', '*', '>', "it's", '[x]', '{y}', 'a\nb', '"q"'];
    for (const s of quoted) expect(toYaml({ k: s })).toBe(`k: ${JSON.stringify(s)}\n`);
    for (const s of ['file', 'adstream.io', 'Stream name. Cannot change once set.', 'apps/v1', 'deployments/scale']) expect(toYaml({ k: s })).toBe(`k: ${s}\n`);
  });

  it('refuses values YAML cannot carry from JSON', () => {
    expect(() => toYaml({ k: Number.NaN })).toThrow(/NaN/);
  });
});
