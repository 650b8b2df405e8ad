import Fastify, { type FastifyInstance } from 'fastify';
import { healthRoutes } from '@adstream/shared/http/health';

/** /healthz while the process runs; /readyz once the EventPipelines have been listed. */
export async function buildHealthServer(ready: () => boolean): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(healthRoutes, { ready: async () => ready() });
  return app;
}
