import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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
  let message = err.message;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `unsupported Content-Type "${request.headers['content-type'] ?? ''}": use application/json or application/x-ndjson`;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `body exceeds the ${request.routeOptions.bodyLimit ?? ''} byte limit`;
  return reply.code(status).send({ statusCode: status, error: REASONS[status] ?? 'Error', message });
}
