import { describe, expect, it } from 'vitest';
import { checkManifests, imageTag, parseManifests } from './chart-checks.ts';

/** A small, consistent app: Deployment, Service, ConfigMap, Secret. Tests break one thing at a time. */
const GOOD = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: example/web:1.2.3
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: web-env } }]
          env: [{ name: TOKEN, valueFrom: { secretKeyRef: { name: web-secret, key: token } } }]
          readinessProbe: { httpGet: { path: /readyz, port: http } }
          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 128Mi } }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: web-env }
data: { A: "1" }
---
apiVersion: v1
kind: Secret
metadata: { name: web-secret }
data: { token: dA== }
`;

const broken = (from: string, to: string) => {
  expect(GOOD).toContain(from);
  return checkManifests(parseManifests(GOOD.replace(from, to)));
};

describe('checkManifests', () => {
  it('finds nothing wrong in a consistent set', () => {
    expect(checkManifests(parseManifests(GOOD))).toEqual([]);
  });

  it.each([
    ['selector: { app: web }', 'selector: { app: api }', 'Service/web: selector matches no pod template'],
    ['selector: { matchLabels: { app: web } }', 'selector: { matchLabels: { app: other } }', "Deployment/web: spec.selector.matchLabels do not match the pod template's labels"],
    ['port: http } }', 'port: 9090 } }', 'readinessProbe points at port 9090, which the container does not declare'],
    ['targetPort: http', 'targetPort: web', 'Service/web: targetPort web is not a named port of the selected pods'],
    ['name: web-env }', 'name: env }', 'ConfigMap env is not rendered'],
    ['key: token', 'key: password', 'Secret web-secret has no key password'],
    ['image: example/web:1.2.3', 'image: example/web:latest', 'uses latest'],
    ['image: example/web:1.2.3', 'image: example/web', 'has no explicit tag'],
    ['limits: { memory: 128Mi }', 'limits: {}', 'resources.limits.memory must be set'],
    ['runAsNonRoot: true', 'runAsNonRoot: false', 'runAsNonRoot is not true'],
    ['drop: [ALL]', 'drop: [NET_RAW]', 'capabilities do not drop ALL'],
    ['readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false', 'readOnlyRootFilesystem is not true'],
    ['apiVersion: apps/v1', 'apiVersion: extensions/v1beta1', 'Deployment/web: apiVersion extensions/v1beta1, expected apps/v1'],
  ])('reports %s → %s', (from, to, problem) => {
    expect(broken(from, to).join('\n')).toContain(problem);
  });

  it('accepts a Secret the values name as existing', () => {
    const problems = checkManifests(parseManifests(GOOD.replace('name: web-secret, key', 'name: outside, key')), { externalSecrets: ['outside'] });
    expect(problems).toEqual([]);
  });
});

describe('imageTag', () => {
  it.each([
    ['nats:2.12.1-alpine', '2.12.1-alpine'],
    ['registry.example.com:5000/team/app:1.0', '1.0'],
    ['registry.example.com:5000/team/app', undefined],
    ['app@sha256:abc', undefined],
    ['app:1.0@sha256:abc', '1.0'],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
