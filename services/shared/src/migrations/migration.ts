export interface Migration {
  version: number;
  name: string;
  /** Idempotent DDL (IF NOT EXISTS), so a re-run after a partial failure is safe. */
  statements: (database: string) => string[];
}
