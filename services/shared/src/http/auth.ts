import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { bearerToken, type ApiKeyStore, type Principal, type Scope } from '../api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/**
 * Bearer-key authentication shared by the HTTP services. `requireScope(s)`
 * is an onRequest hook, so a request without a valid key is refused before
 * its body is read or parsed.
 */
export const authPlugin = fp<{ keys: ApiKeyStore }>(
  async (app, { keys }) => {
    app.decorateRequest('principal', undefined);
    app.decorate('requireScope', (scope: Scope): onRequestHookHandler => {
      return async function checkKey(request: FastifyRequest, reply: FastifyReply) {
        const token = bearerToken(request.headers.authorization);
        const principal = token === undefined ? undefined : keys.lookup(token);
        if (!principal) {
          reply.header('WWW-Authenticate', 'Bearer realm="adstream"');
          return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: token === undefined ? 'missing "Authorization: Bearer <api key>" header' : 'invalid API key' });
        }
        if (!principal.scopes.has(scope)) {
          return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `this API key lacks the "${scope}" scope` });
        }
        request.principal = principal;
      };
    });
  },
  { name: 'adstream-auth' },
);

declare module 'fastify' {
  interface FastifyInstance {
    requireScope(scope: Scope): onRequestHookHandler;
  }
}
