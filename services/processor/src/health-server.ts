import Fastify, { type FastifyInstance } from 'fastify';
import { healthRoutes } from '@adstream/shared/http/health';

/**
 * The processor has no API, only probes: /healthz while the process runs,
 * /readyz while it consumes and ClickHouse answers.
 */
export async function buildHealthServer(ready: () => Promise<boolean>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(healthRoutes, { ready });
  return app;
}
