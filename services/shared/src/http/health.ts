import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  ready: () => Promise<boolean>;
}

/** /healthz: the process serves requests. /readyz: its dependencies answer too. */
export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await opts.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
}
