import { z } from 'zod';

/** The error body of every adstream service (services/shared/src/http/errors.ts). */
export const errorSchema = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string().meta({ description: 'names the parameter at fault, e.g. "from: must be before to"' }),
  })
  .meta({ id: 'Error' });

/** Responses every KPI route can give besides its 200. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema } as const;

/** OpenAPI security requirement: a bearer API key (scope `query`). */
export const bearerSecurity = [{ bearerAuth: [] }];
