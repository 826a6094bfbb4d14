export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly dialect: Dialect;
  /** all rows; SQL uses `?` placeholders in both dialects */
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** first row or undefined */
  one<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** run a statement, resolve to the number of affected rows */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** run fn in one transaction (SQLite: BEGIN IMMEDIATE); commit on resolve, roll back on throw. Nested calls reuse the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** cheap liveness check (SELECT 1) that rejects when the database is unreachable */
  ping(): Promise<void>;
  close(): Promise<void>;
}
