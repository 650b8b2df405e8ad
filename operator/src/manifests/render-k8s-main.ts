/** `npm run render:k8s`: writes k8s/*.yaml from the operator's objects (a unit test fails when they drift). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { k8sManifests } from './render-manifests.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
for (const [path, content] of Object.entries(k8sManifests())) {
  writeFileSync(root + path, content);
  process.stdout.write(`wrote ${path}\n`);
}
