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

/**
 * A subquery of one row and one column with one `?` (the id of what it is about), for one
 * folder's statement to read a figure of another folder's tables: the folder that owns the
 * tables writes it, the composition root hands it over, and the request makes one statement.
 */
export type ScalarSubquery = string;

/** What a database and a transaction both run. */
export interface Queryable {
  readonly dialect: Dialect;
  /** all rows; SQL uses `?` placeholders in both dialects */
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** first row or undefined */
  one<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** run a statement, resolve to the number of affected rows */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * An open transaction: what `Db.transaction` hands its callback, and the only handle with
 * `lock` and `afterCommit`. A function that must run inside a transaction takes a `Tx`.
 */
export interface Tx extends Queryable {
  /**
   * Holds `key` until the transaction ends, across processes: check-then-write rules (a limit
   * counted before an insert) take it before the check. PostgreSQL (READ COMMITTED) takes an
   * advisory lock; SQLite runs one transaction at a time, so it already holds every key.
   */
  lock(key: string): Promise<void>;
  /** Runs fn once the transaction has committed (never after a rollback). For in-process
   *  caches that must not keep what the commit changed. */
  afterCommit(fn: () => void): void;
  /** Sends a notice on `channel` at commit (PostgreSQL NOTIFY; nothing on SQLite). */
  notify(channel: string, payload: string): Promise<void>;
}

export interface Db extends Queryable {
  /**
   * Runs fn in one transaction (SQLite: BEGIN IMMEDIATE); commit on resolve, roll back on throw.
   * Inside fn only `tx` may be used: this Db refuses every call made from the transaction's
   * async context (it would escape the transaction on PostgreSQL and wait for it on SQLite).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Notices from other processes on `channel` (PostgreSQL LISTEN); undefined where the store has no
   *  such channel (SQLite). `notify` sends one at once. */
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
