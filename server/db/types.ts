export type Dialect = 'sqlite' | 'postgres';

export interface ListenHandlers {
  message(payload: string): void;
  /** notices may be missed from now on */
  down(): void;
  /** listening (again): notices from now on arrive */
  up(): void;
}

export interface Listening {
  close(): Promise<void>;
}

/** What the metrics (and traces) hear from a store; set once by the composition root. */
export interface DbObserver {
  queryError(): void;
  /** SQLite group commit: how many writes or transactions shared one COMMIT */
  batch(kind: 'write' | 'transaction', size: number): void;
}

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
  /** Runs fn once the enclosing transaction has committed (never after a rollback); outside a
   *  transaction, at once. For in-process caches that must not keep what the commit changed. */
  afterCommit(fn: () => void): void;
  /** Notices from other processes on `channel` (PostgreSQL LISTEN); undefined where the store has no
   *  such channel (SQLite). `notify` sends one, at commit when called inside a transaction. */
  listen(channel: string, handlers: ListenHandlers): Listening | undefined;
  notify(channel: string, payload: string): Promise<void>;
  /** cheap liveness check (SELECT 1) that rejects when the database is unreachable */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Optional: the real stores report to `observer`; wrappers in tests may not. */
  observe?(observer: DbObserver): void;
  /** PostgreSQL only: the connection pool's counts now. */
  poolStats?(): { total: number; idle: number; waiting: number };
}
