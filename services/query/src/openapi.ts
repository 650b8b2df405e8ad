import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The OpenAPI 3 document, generated from the routes' zod schemas, at
 * /docs/json, and Swagger UI at /docs. Registered before the routes: the
 * document collects every route added after it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'adstream query API',
        description: 'KPIs of advertising events. Every route answers only with the data of the API key’s tenant. Errors: {statusCode, error, message}.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key with the `query` scope' } },
      },
      tags: [
        { name: 'kpis', description: 'measures and KPIs from the rollups' },
        { name: 'events', description: 'raw stored events' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
