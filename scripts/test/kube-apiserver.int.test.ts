import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tcpAccepts } from "../lib/child-process.ts";
import { RESTRICTED_CONTEXT, startKubeApiServer, type KubeApiServerHandle } from "../lib/kube-apiserver.ts";
import { makeTempDir, removeTempDir } from "../lib/temp-dir.ts";
import { waitFor } from "../lib/wait-for.ts";
import { pidAlive } from "./process-gone.ts";

const NS = "kas-test";
const GROUP = "test.adstream.dev";

let root: string;
let kas: KubeApiServerHandle | undefined;

beforeAll(async () => {
  root = await makeTempDir("kube-apiserver");
});

afterAll(async () => {
  await kas?.stop();
  await removeTempDir(root);
});

function config(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  return kc;
}

/** GET over TLS trusting only `ca`; rejects on any certificate problem. */
function httpsGetText(url: string, ca: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { ca, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    });
    req.on("error", reject);
  });
}

/** HTTP status of a rejected call; fails the test when the call succeeds. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
  throw new Error("expected the API server to refuse the request");
}

// Typed with client-node's model: its serializer sends only the fields the
// model knows, under their model names (`_default` becomes "default"); a plain
// manifest's `default:` or `x-kubernetes-*` keys would be dropped silently.
const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: { size: { type: "integer", minimum: 1, maximum: 10, _default: 2 } },
              },
            },
          },
        },
      },
    ],
  },
};

const deployment = {
  metadata: { name: "processor", namespace: NS },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "processor" } },
    template: {
      metadata: { labels: { app: "processor" } },
      spec: { containers: [{ name: "processor", image: "registry.invalid/adstream/processor:test" }] },
    },
  },
};

describe("kube-apiserver with etcd (real servers)", () => {
  it("serves namespaces, CRDs, Deployments and their scale subresource, enforces RBAC, restarts and stops", async () => {
    kas = await startKubeApiServer({ dataDir: join(root, "kas") });
    expect(kas.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const admin = config(kas.kubeconfig);
    const core = admin.makeApiClient(CoreV1Api);
    const apps = admin.makeApiClient(AppsV1Api);

    // The serving certificate verifies against caCert (no TLS checks skipped),
    // and the binary reports the pinned release, not the module default v0.0.0.
    expect(admin.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    const version = JSON.parse(await httpsGetText(`${kas.url}/version`, kas.caCert, kas.token)) as { gitVersion: string };
    expect(version.gitVersion).toBe(kas.version);

    await core.createNamespace({ body: { metadata: { name: NS } } });
    expect((await core.readNamespace({ name: NS })).status?.phase).toBe("Active");

    // A CRD is served once Established; the schema's default and bounds apply.
    const ext = admin.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: widgetCrd });
    await waitFor("the Widget CRD to be established", async () => {
      const crd = await ext.readCustomResourceDefinition({ name: widgetCrd.metadata!.name! });
      return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ?? false;
    });
    const custom = admin.makeApiClient(CustomObjectsApi);
    const widgetRef = { group: GROUP, version: "v1alpha1", namespace: NS, plural: "widgets" };
    const created = (await custom.createNamespacedCustomObject({
      ...widgetRef,
      body: { apiVersion: `${GROUP}/v1alpha1`, kind: "Widget", metadata: { name: "w1" }, spec: {} },
    })) as { spec: { size: number } };
    expect(created.spec.size).toBe(2);
    const tooBig = custom.createNamespacedCustomObject({
      ...widgetRef,
      body: { apiVersion: `${GROUP}/v1alpha1`, kind: "Widget", metadata: { name: "w2" }, spec: { size: 11 } },
    });
    expect(await statusOf(tooBig)).toBe(422);

    // No controller-manager runs: the Deployment is stored and scaled, never rolled out.
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment });
    const scale = await apps.readNamespacedDeploymentScale({ name: "processor", namespace: NS });
    expect(scale.kind).toBe("Scale");
    expect(scale.spec?.replicas).toBe(1);
    const patched = await apps.patchNamespacedDeploymentScale(
      { name: "processor", namespace: NS, body: { spec: { replicas: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(3);
    expect((await apps.readNamespacedDeployment({ name: "processor", namespace: NS })).spec?.replicas).toBe(3);

    // The restricted user may read the scale subresource once granted, and nothing more.
    const restrictedConfig = config(kas.kubeconfig, RESTRICTED_CONTEXT);
    const restrictedApps = restrictedConfig.makeApiClient(AppsV1Api);
    const restrictedCore = restrictedConfig.makeApiClient(CoreV1Api);
    expect(await statusOf(restrictedApps.readNamespacedDeploymentScale({ name: "processor", namespace: NS }))).toBe(403);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: NS,
      body: {
        metadata: { name: "scale-reader" },
        rules: [{ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["get"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: "scale-reader" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "scale-reader" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: kas.restricted.user }],
      },
    });
    expect((await restrictedApps.readNamespacedDeploymentScale({ name: "processor", namespace: NS })).spec?.replicas).toBe(3);
    const forbiddenPatch = restrictedApps.patchNamespacedDeploymentScale(
      { name: "processor", namespace: NS, body: { spec: { replicas: 5 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(await statusOf(forbiddenPatch)).toBe(403);
    expect(await statusOf(restrictedCore.listNamespace())).toBe(403);

    // A restart keeps everything (it lives in etcd) and the same port and CA.
    const { pid: firstPid, port } = kas;
    await kas.restart();
    expect(kas.pid).not.toBe(firstPid);
    expect(pidAlive(firstPid!)).toBe(false);
    expect((await config(kas.kubeconfig).makeApiClient(AppsV1Api).readNamespacedDeploymentScale({ name: "processor", namespace: NS })).spec?.replicas).toBe(3);

    const apiserverPid = kas.pid!;
    const etcdPid = kas.etcdPid!;
    await kas.stop();
    expect(pidAlive(apiserverPid)).toBe(false);
    expect(pidAlive(etcdPid)).toBe(false);
    expect(await tcpAccepts(port)).toBe(false);
    expect(await tcpAccepts(Number(new URL(kas.etcdUrl).port))).toBe(false);
  });
});
