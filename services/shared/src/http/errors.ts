import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * One error shape for every service: {statusCode, error, message}. Client
 * errors keep their message; server errors are logged and answered without
 * internals.
 */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    return reply.code(status).send({ statusCode: status, error: REASONS[status] ?? 'Error', message: 'internal error' });
  }
  if (err.validation !== undefined && err.validation.length > 0) {
    return reply.code(400).send({ statusCode: 400, error: REASONS[400], message: validationMessage(err.validation[0]!, err.validationContext) });
  }
  let message = err.message;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `unsupported Content-Type "${request.headers['content-type'] ?? ''}": use application/json or application/x-ndjson`;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `body exceeds the ${request.routeOptions.bodyLimit ?? ''} byte limit`;
  return reply.code(status).send({ statusCode: status, error: REASONS[status] ?? 'Error', message });
}

/**
 * A route-schema failure as `<parameter>: <what is wrong>`. The issue's path
 * names the parameter; an unknown parameter has no path of its own, so it is
 * read from the issue's parameters (zod: `keys`, ajv: `additionalProperty`).
 */
function validationMessage(issue: FastifySchemaValidationError, context: string | undefined): string {
  const params = issue.params as { keys?: unknown; additionalProperty?: unknown };
  if (Array.isArray(params.keys) && params.keys.length > 0) return `${params.keys.join(', ')}: unknown parameter`;
  if (typeof params.additionalProperty === 'string') return `${params.additionalProperty}: unknown parameter`;
  const name = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return `${name === '' ? (context ?? 'request') : name}: ${issue.message ?? 'is invalid'}`;
}
