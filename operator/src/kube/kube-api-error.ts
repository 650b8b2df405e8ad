/** A non-2xx answer from the API server, with its status code and the Status reason/message it sent. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly statusCode: number;
  readonly reason: string;
  readonly call: string;

  constructor(call: string, statusCode: number, reason: string, message: string) {
    super(`${call}: ${statusCode} ${reason}: ${message}`);
    this.call = call;
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

export const isConflict = (err: unknown) => err instanceof KubeApiError && err.statusCode === 409;
export const isNotFound = (err: unknown) => err instanceof KubeApiError && err.statusCode === 404;
export const isAlreadyExists = (err: unknown) => err instanceof KubeApiError && err.statusCode === 409 && err.reason === 'AlreadyExists';
