/**
 * A query POST /v1/sql will not run, with the HTTP status to answer: 400 for
 * a query that is malformed or not a single SELECT, 403 for one that reaches
 * for data or settings outside the tenant's own tables.
 */
export class SqlRefusal extends Error {
  readonly statusCode: 400 | 403;
  constructor(statusCode: 400 | 403, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}
