import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bearerSecurity, errorResponses, errorSchema } from '../schemas/error.ts';
import { ClickHouseQueryError } from '../sql/clickhouse-error.ts';
import { SqlRefusal } from '../sql/sql-refusal.ts';
import { SqlService, SqlUnavailable, type SqlServiceOptions } from '../sql/sql-service.ts';
import { TENANT_TABLES } from '../sql/tenant-views.ts';

export type SqlRouteOptions = SqlServiceOptions;

export const MAX_SQL_LENGTH = 10_000;

const body = z.strictObject({
  sql: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(MAX_SQL_LENGTH, `must be at most ${MAX_SQL_LENGTH} characters`)
    .meta({ description: 'one SELECT (or WITH … SELECT) statement', example: 'SELECT campaign_id, sum(clicks) / sum(impressions) AS ctr FROM campaign_day GROUP BY campaign_id' }),
});

const responseSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().meta({ description: 'ClickHouse type, e.g. UInt64, Decimal(18, 6)' }) })),
  rows: z.array(z.array(z.unknown())).meta({ description: 'one array per row, values in column order as ClickHouse writes them in JSON; 64-bit integers beyond 2^53 as strings' }),
  rows_read: z.number().int().nullable().meta({ description: 'rows ClickHouse read; null when the answer was cut short' }),
  elapsed_ms: z.number(),
  truncated: z.boolean().meta({ description: 'true when the result had more rows (or bytes) than the API returns' }),
});

function fail(reply: FastifyReply, statusCode: number, error: string, message: string): FastifyReply {
  return reply.code(statusCode).send({ statusCode, error, message });
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' };

export async function sqlRoute(app: FastifyInstance, opts: SqlRouteOptions): Promise<void> {
  const service = new SqlService(opts);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sql',
    {
      onRequest: app.requireScope('query'),
      schema: {
        summary: 'Read-only SQL over the tenant’s own tables',
        description:
          `One ClickHouse SELECT over the tenant’s tables: ${TENANT_TABLES.join(', ')} (columns and limits: docs/sql-api.md). ` +
          'Database-qualified names, table functions, functions that read other tables, FORMAT, SETTINGS and INTO OUTFILE are refused. ' +
          'Results beyond the row limit are cut short with truncated: true.',
        tags: ['sql'],
        security: bearerSecurity,
        body,
        response: { 200: responseSchema, ...errorResponses, 429: errorSchema, 503: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        const answer = await service.run(request.principal!.tenant, request.body.sql);
        return { columns: answer.columns, rows: answer.rows, rows_read: answer.rowsRead, elapsed_ms: answer.elapsedMs, truncated: answer.truncated };
      } catch (error) {
        if (error instanceof SqlRefusal || (error instanceof ClickHouseQueryError && error.statusCode === 400)) {
          return fail(reply, error.statusCode, REASONS[error.statusCode]!, error.message);
        }
        if (error instanceof ClickHouseQueryError || error instanceof SqlUnavailable) {
          const status = error instanceof ClickHouseQueryError ? error.statusCode : 503;
          request.log.warn({ err: error }, 'SQL query not served');
          if (status === 429) reply.header('retry-after', '1');
          return fail(reply, status, REASONS[status]!, error.message);
        }
        throw error;
      }
    },
  );
}
