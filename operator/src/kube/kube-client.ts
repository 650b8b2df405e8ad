import { HttpMethod, IsomorphicFetchHttpLibrary, PatchStrategy, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { API_CALLS, apiPath, type ApiCallName, type PathTarget, type Verb } from './api-calls.ts';
import { KubeApiError } from './kube-api-error.ts';

const METHOD: Record<Verb, HttpMethod> = {
  get: HttpMethod.GET,
  list: HttpMethod.GET,
  watch: HttpMethod.GET,
  create: HttpMethod.POST,
  update: HttpMethod.PUT,
  patch: HttpMethod.PATCH,
  delete: HttpMethod.DELETE,
};

export interface CallOptions extends PathTarget {
  body?: unknown;
  query?: Record<string, string>;
}

/**
 * Every request gives up after this long. A leader stops acting when its
 * lease renewals have failed for the renew deadline; a request it sent just
 * before must land (or fail) well before a successor may start.
 */
const REQUEST_TIMEOUT_MS = 4_000;

/**
 * The operator's only way to the API server: requests named in API_CALLS,
 * sent with client-node's configuration, authentication and HTTP transport.
 * Patches are JSON merge patches.
 */
export class KubeClient {
  readonly config: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly server: string;

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.config = config;
    this.server = cluster.server.replace(/\/$/, '');
  }

  async call<T>(name: ApiCallName, opts: CallOptions = {}): Promise<T> {
    const call = API_CALLS[name];
    if (call.verb === 'watch') throw new Error(`${name} is a watch; use the informer`);
    const url = new URL(this.server + apiPath(call, opts));
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), METHOD[call.verb]);
    ctx.setHeaderParam('Accept', 'application/json');
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', call.verb === 'patch' ? PatchStrategy.MergePatch : 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    ctx.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    await this.config.applySecurityAuthentication(ctx);
    const response = await this.http.send(ctx).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      const status = parseStatus(text);
      throw new KubeApiError(name, response.httpStatusCode, status.reason ?? 'Unknown', status.message ?? text.slice(0, 500));
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The URL path the informer watches (and lists) EventPipelines at. */
  pipelinesPath(namespace: string | undefined): string {
    return apiPath(API_CALLS.watchEventPipelines, { namespace });
  }
}

function parseStatus(text: string): { reason?: string; message?: string } {
  try {
    const s = JSON.parse(text) as { reason?: unknown; message?: unknown };
    return { reason: typeof s.reason === 'string' ? s.reason : undefined, message: typeof s.message === 'string' ? s.message : undefined };
  } catch {
    return {};
  }
}
