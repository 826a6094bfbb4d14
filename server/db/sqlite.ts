import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { limitsSchema } from './migrations.ts';
import { mapSqliteError } from './errors.ts';
import { Mutex } from './mutex.ts';
import { inTx, refuseInTx, remember, runAfterCommit, toParams, txContext, type TxScope } from './shared.ts';
import type { Db, DbObserver, Tx } from './types.ts';

type Row = Record<string, unknown>;

interface PendingWrite {
  sql: string;
  params: readonly unknown[] | undefined;
  /** what the caller asked for: the changed-row count (run), or the RETURNING rows (one, all) */
  answer: 'changes' | 'one' | 'all';
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** Every file a SQLite database `file` consists of: the main file, the rate-limit file, their WAL and shared memory. */
export function sqliteFiles(file: string): string[] {
  return [file, limitsFile(file)].flatMap((f) => [f, `${f}-wal`, `${f}-shm`]);
}

/** The rate-limit state lives in a file of its own beside the database (written without fsync). */
const limitsFile = (file: string) => `${file}-limits`;

interface QueuedTx {
  fn(tx: Tx): Promise<unknown>;
  /** The caller's async context: its body runs in it, not in whichever caller opened the batch. */
  context: <R>(run: () => R) => R;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Autocommit writes to the main database share one commit; the rest runs at once. */
const groupCommitted = (sql: string) => DML.test(sql) && !LIMITS_TARGET.test(sql);

/** A prepared statement, and the names of its result columns when it returns arrays. */
interface Prepared {
  stmt: StatementSync;
  columns: string[] | undefined;
}

/** One row as a plain object; every row of a statement gets its keys in one order (one shape). */
function toRow<T>(columns: readonly string[] | undefined, row: unknown): T {
  if (!columns) return { ...(row as Row) } as T;
  const values = row as unknown[];
  const named: Row = {};
  for (let i = 0; i < columns.length; i++) named[columns[i]!] = values[i];
  return named as T;
}

const DML = /^\s*(insert|update|delete|replace)\b/i;
/** A write's target in the rate-limit database: its own file, no fsync, so it never waits for main's lock. */
const LIMITS_TARGET = /^\s*\w+\s+(?:or\s+\w+\s+)?(?:into\s+|from\s+)?limits\./i;
/** A `*` other than COUNT(*) (`SELECT *`, `t.*`, `RETURNING *`): its columns can change under a
 *  prepared statement (another process's migration re-prepares it), so such rows are named by
 *  node:sqlite on every read. A false match only costs the array rows' speed. */
const hasStar = (sql: string) => sql.replace(/count\(\s*\*\s*\)/gi, '').includes('*');

/**
 * node:sqlite is synchronous, so a statement runs atomically with respect to other JS; only an
 * open transaction (which spans awaits) needs the mutex to keep other callers' statements out of it.
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, Prepared>();
  private readonly mutex = new Mutex();
  private pending: PendingWrite[] = [];
  private queuedTx: QueuedTx[] = [];
  private observer: DbObserver | undefined;

  /** `file` is a path (relative to cwd) or ':memory:' */
  constructor(file: string) {
    const memory = file === ':memory:';
    if (!memory) mkdirSync(dirname(resolve(file)), { recursive: true });
    this.db = new DatabaseSync(file, { readBigInts: false });
    // busy_timeout first so the WAL switch below also waits for other processes
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec('PRAGMA main.journal_mode = WAL');
    this.db.exec('PRAGMA main.synchronous = FULL');
    this.db.exec('PRAGMA foreign_keys = ON');
    // rate-limit counters: disposable, so no fsync per write
    this.db.prepare('ATTACH DATABASE ? AS limits').run(memory ? ':memory:' : limitsFile(file));
    this.db.exec('PRAGMA limits.journal_mode = WAL');
    this.db.exec('PRAGMA limits.synchronous = OFF');
    // the limits file may be new while main is already migrated
    for (const sql of limitsSchema('sqlite')) this.db.exec(sql);
  }

  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    if (inTx(this)) return refuseInTx('all()');
    if (groupCommitted(sql)) return this.write<T[]>(sql, params, 'all');
    return this.exclusive(() => this.allNow<T>(sql, params));
  }

  one<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    if (inTx(this)) return refuseInTx('one()');
    if (groupCommitted(sql)) return this.write<T | undefined>(sql, params, 'one');
    return this.exclusive(() => this.oneNow<T>(sql, params));
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    if (inTx(this)) return refuseInTx('run()');
    if (!groupCommitted(sql)) return this.exclusive(() => this.runNow(sql, params));
    return this.write<number>(sql, params, 'changes');
  }

  /** An autocommit write (RETURNING rows or not), answered after the group commit it joins. */
  private write<R>(sql: string, params: readonly unknown[] | undefined, answer: PendingWrite['answer']): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const write: PendingWrite = { sql, params, answer, resolve: resolve, reject };
      if (this.pending.push(write) === 1) setImmediate(() => void this.commitPending());
    });
  }

  observe(observer: DbObserver): void {
    this.observer = observer;
  }

  ping(): Promise<void> {
    if (inTx(this)) return refuseInTx('ping()');
    return this.one('SELECT 1').then(() => undefined);
  }

  /** SQLite has no channel between processes: callers bound what they cache in time instead. */
  listen(): undefined {
    return undefined;
  }

  notify(): Promise<void> {
    return inTx(this) ? refuseInTx('notify()') : Promise.resolve();
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (inTx(this)) return refuseInTx('transaction()');
    return new Promise<T>((resolve, reject) => {
      const queued: QueuedTx = { fn, context: AsyncLocalStorage.snapshot(), resolve, reject };
      if (this.queuedTx.push(queued) === 1) setImmediate(() => void this.commitTransactions());
    });
  }

  /**
   * Group commit for transactions, as commitPending does for single writes: the transactions
   * begun in one turn of the event loop run one after another, each in its own SAVEPOINT (a
   * failing one is rolled back alone), inside one BEGIN IMMEDIATE ... COMMIT: one fsync for all.
   * Each caller gets its result, and its afterCommit callbacks run, only once COMMIT succeeded.
   */
  private async commitTransactions(): Promise<void> {
    await this.mutex.lock();
    const batch = this.queuedTx;
    this.queuedTx = [];
    this.observer?.batch('transaction', batch.length);
    const outcomes: { scope: TxScope; ok: boolean; value: unknown }[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const queued of batch) {
        const scope: TxScope = {
          owner: this,
          active: true,
          after: [],
          tx: this.txHandle(
            () => scope.active,
            (f) => scope.after.push(f),
          ),
        };
        this.db.exec('SAVEPOINT tx');
        try {
          // in the caller's request scope and trace, so its log lines and spans are its own
          const value = await queued.context(() => txContext.run(scope, () => queued.fn(scope.tx)));
          scope.active = false;
          this.db.exec('RELEASE tx');
          outcomes.push({ scope, ok: true, value });
        } catch (error) {
          scope.active = false;
          // some errors (e.g. SQLITE_FULL) end the whole transaction: nothing of the batch stays
          if (!this.db.isTransaction) throw error;
          this.db.exec('ROLLBACK TO tx');
          this.db.exec('RELEASE tx');
          outcomes.push({ scope, ok: false, value: error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      try {
        if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
      } catch {
        // nothing left to undo; every caller of the batch hears about `error` below
      }
      for (const queued of batch) queued.reject(mapSqliteError(error));
      return;
    } finally {
      this.mutex.unlock();
    }
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) return batch[i]!.reject(outcome.value);
      runAfterCommit(outcome.scope);
      batch[i]!.resolve(outcome.value);
    });
  }

  async close(): Promise<void> {
    if (inTx(this)) return refuseInTx('close()');
    if (!this.db.isOpen) return;
    await this.mutex.lock();
    try {
      this.statements.clear();
      if (this.db.isOpen) this.db.close();
    } finally {
      this.mutex.unlock();
    }
  }

  /**
   * Group commit. With synchronous=FULL every commit is an fsync on the event loop's thread, so
   * one commit per write caps writes at 1/fsync and stalls every other request meanwhile. The
   * autocommit writes that arrive in one turn of the event loop share one transaction instead:
   * one fsync, and each caller is answered only after it. A failed statement fails alone (SQLite
   * undoes just that statement), unless it ended the transaction, which fails the whole batch.
   */
  private async commitPending(): Promise<void> {
    await this.mutex.lock();
    const batch = this.pending;
    this.pending = [];
    this.observer?.batch('write', batch.length);
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      if (batch.length > 1) this.db.exec('BEGIN IMMEDIATE');
      for (const write of batch) {
        try {
          const { sql, params, answer } = write;
          const value = answer === 'changes' ? this.runNow(sql, params) : answer === 'one' ? this.oneNow(sql, params) : this.allNow(sql, params);
          results.push({ ok: true, value });
        } catch (error) {
          if (batch.length > 1 && !this.db.isTransaction) throw error;
          results.push({ ok: false, error });
        }
      }
      if (batch.length > 1) this.db.exec('COMMIT');
    } catch (error) {
      try {
        if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
      } catch {
        // nothing left to undo; every caller of the batch hears about `error` below
      }
      for (const write of batch) write.reject(mapSqliteError(error));
      return;
    } finally {
      this.mutex.unlock();
    }
    batch.forEach((write, i) => {
      const result = results[i]!;
      if (result.ok) write.resolve(result.value);
      else write.reject(result.error);
    });
  }

  /** Run synchronous work now, or after the open transaction (if any) finishes. */
  private async exclusive<R>(work: () => R): Promise<R> {
    if (!this.mutex.locked) return work();
    await this.mutex.lock();
    try {
      return work();
    } finally {
      this.mutex.unlock();
    }
  }

  /** The transactions of one batch run one after another under one BEGIN IMMEDIATE: each holds
   *  the only writer from its first statement, so `lock` has nothing left to take. */
  private txHandle(isLive: () => boolean, after: (fn: () => void) => void): Tx {
    const live = () => {
      if (!isLive()) throw new Error('transaction already finished');
    };
    return {
      dialect: 'sqlite',
      all: async <T = Row>(sql: string, params?: readonly unknown[]) => (live(), this.allNow<T>(sql, params)),
      one: async <T = Row>(sql: string, params?: readonly unknown[]) => (live(), this.oneNow<T>(sql, params)),
      run: async (sql: string, params?: readonly unknown[]) => (live(), this.runNow(sql, params)),
      lock: async () => live(),
      afterCommit: (fn: () => void) => (live(), after(fn)),
      notify: async () => live(),
    };
  }

  private stmt(sql: string): Prepared {
    return remember(this.statements, sql, () => {
      const stmt = this.db.prepare(sql);
      if (hasStar(sql)) return { stmt, columns: undefined };
      stmt.setReturnArrays(true);
      return { stmt, columns: stmt.columns().map((c) => c.name) };
    });
  }

  /** Counts a failed statement for the metrics and passes the error on. */
  private failed(error: unknown): never {
    this.observer?.queryError();
    throw mapSqliteError(error);
  }

  // Rows of a statement with a fixed column list are read as arrays and named here: node:sqlite's
  // own row objects (a null prototype, made property by property in C++) have to be copied into
  // plain objects, and the copy cost more than the statement (micro-benchmark in bench/NOTES.md).
  private allNow<T>(sql: string, params?: readonly unknown[]): T[] {
    try {
      const { stmt, columns } = this.stmt(sql);
      const rows = stmt.all(...(toParams(params) as SQLInputValue[]));
      return rows.map((row) => toRow<T>(columns, row));
    } catch (error) {
      return this.failed(error);
    }
  }

  private oneNow<T>(sql: string, params?: readonly unknown[]): T | undefined {
    try {
      const { stmt, columns } = this.stmt(sql);
      const row = stmt.get(...(toParams(params) as SQLInputValue[]));
      return row === undefined ? undefined : toRow<T>(columns, row);
    } catch (error) {
      return this.failed(error);
    }
  }

  // `changes` is only updated by INSERT/UPDATE/DELETE: after a SELECT or DDL it still holds the
  // previous statement's count, so anything else is measured with total_changes().
  private runNow(sql: string, params?: readonly unknown[]): number {
    try {
      const { stmt } = this.stmt(sql);
      if (DML.test(sql)) return Number(stmt.run(...(toParams(params) as SQLInputValue[])).changes);
      const before = this.totalChanges();
      stmt.run(...(toParams(params) as SQLInputValue[]));
      return this.totalChanges() - before;
    } catch (error) {
      return this.failed(error);
    }
  }

  private totalChanges(): number {
    const { stmt, columns } = this.stmt('SELECT total_changes() AS n');
    return Number(toRow<{ n: number }>(columns, stmt.get()).n);
  }
}
