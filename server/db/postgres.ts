import pg from 'pg';
import { DatabaseUnavailableError, mapPgError } from './errors.ts';
import { inTx, refuseInTx, remember, runAfterCommit, toParams, txContext, type TxScope } from './shared.ts';
import { listenPg } from './pg-listen.ts';
import type { Db, DbObserver, Listening, ListenHandlers, Tx } from './types.ts';

type Row = Record<string, unknown>;
type Queryable = Pick<pg.PoolClient, 'query'>;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Per pool (not pg.types globally): BIGINT epoch-ms timestamps, COUNT(*) and SUM(bigint) come back as JS numbers.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? Number
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

const converted = new Map<string, string>();

/** `?` -> `$1..$n`; our SQL never has a literal `?` in a string or JSON operator. */
function toPg(sql: string): string {
  return remember(converted, sql, () => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  });
}

/** Where failed statements are counted; one per PostgresDb, shared with its transactions. */
interface Observed {
  observer?: DbObserver | undefined;
}

// Statements with parameters are prepared once per connection (named): PostgreSQL then skips
// parsing and planning them on every call, which on this service's short queries is most of
// the database's own CPU. Statements without (BEGIN, COMMIT) keep the one-message simple protocol.
const names = new Map<string, string>();
let statements = 0;
const nameOf = (sql: string) => remember(names, sql, () => `barqnet_${++statements}`);

/**
 * A prepared `SELECT *` fails with this once a migration (another instance's, during a rolling
 * deploy) changed its table's columns. The pool destroys a connection whose query failed, so the
 * statement is prepared afresh on the next one.
 */
const isStalePlan = (err: unknown) => (err as { code?: unknown } | null)?.code === '0A000' && /cached plan must not change result type/.test(String(err));

type Result<T> = Omit<pg.QueryResult, 'rows'> & { rows: T[] };

async function query<T>(client: Queryable, sql: string, params: readonly unknown[] | undefined, seen: Observed, retry = false): Promise<Result<T>> {
  const values = toParams(params);
  try {
    return (await client.query(values && values.length > 0 ? { name: nameOf(sql), text: toPg(sql), values } : toPg(sql))) as Result<T>;
  } catch (err) {
    // Outside a transaction nothing ran and the retry gets another connection; inside one, the
    // transaction is lost and its caller sees a 503 to retry.
    if (isStalePlan(err) && retry) return query<T>(client, sql, params, seen, false);
    seen.observer?.queryError();
    throw isStalePlan(err) ? new DatabaseUnavailableError('database schema changed; retry', { cause: err }) : mapPgError(err);
  }
}

export class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private ended = false;
  private readonly listeners = new Set<Listening>();
  private readonly url: string;
  private readonly seen: Observed = {};

  constructor(url: string) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: 10, types, connectionTimeoutMillis: 10_000 });
    // An idle client lost its connection (e.g. server restart). The pool already discarded it and
    // the next query opens a fresh one; without a listener this event would crash the process.
    this.pool.on('error', () => {});
  }

  async all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    if (inTx(this)) return refuseInTx('all()');
    return (await query<T>(this.pool, sql, params, this.seen, true)).rows;
  }

  async one<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    if (inTx(this)) return refuseInTx('run()');
    return (await query(this.pool, sql, params, this.seen, true)).rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.all('SELECT 1');
  }

  observe(observer: DbObserver): void {
    this.seen.observer = observer;
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  listen(channel: string, handlers: ListenHandlers): Listening {
    if (inTx(this)) throw new Error("listen() called on the db inside a transaction: use the transaction's tx");
    const listening = listenPg(this.url, channel, handlers);
    this.listeners.add(listening);
    return listening;
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.run('SELECT pg_notify(?, ?)', [channel, payload]);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (inTx(this)) return refuseInTx('transaction()');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw mapPgError(err);
    }
    // A checked-out client has no 'error' listener of the pool's; if the connection dies while
    // fn is awaiting something else, the unhandled 'error' event would crash the process.
    let broken: unknown;
    const onError = (err: unknown) => {
      broken = err;
    };
    client.on('error', onError);
    const scope: TxScope = {
      owner: this,
      active: true,
      after: [],
      tx: txHandle(
        client,
        this.seen,
        () => scope.active,
        (fn) => scope.after.push(fn),
      ),
    };
    try {
      await query(client, 'BEGIN', undefined, this.seen);
      const result = await txContext.run(scope, () => fn(scope.tx));
      await query(client, 'COMMIT', undefined, this.seen);
      scope.active = false;
      runAfterCommit(scope);
      return result;
    } catch (err) {
      // query() already mapped driver errors; anything else came from fn and passes through untouched
      if (err instanceof DatabaseUnavailableError) broken ??= err;
      if (!broken) await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr));
      throw err;
    } finally {
      scope.active = false;
      client.off('error', onError);
      // a truthy argument makes the pool destroy the client instead of reusing it
      client.release(broken ? (broken instanceof Error ? broken : true) : undefined);
    }
  }

  async close(): Promise<void> {
    if (inTx(this)) return refuseInTx('close()');
    if (this.ended) return;
    this.ended = true;
    await Promise.all([...this.listeners].map((l) => l.close()));
    await this.pool.end();
  }
}

function txHandle(client: pg.PoolClient, seen: Observed, isLive: () => boolean, after: (fn: () => void) => void): Tx {
  const live = () => {
    if (!isLive()) throw new Error('transaction already finished');
  };
  return {
    dialect: 'postgres',
    all: async <T = Row>(sql: string, params?: readonly unknown[]) => (live(), (await query<T>(client, sql, params, seen)).rows),
    one: async <T = Row>(sql: string, params?: readonly unknown[]) => (live(), (await query<T>(client, sql, params, seen)).rows[0]),
    run: async (sql: string, params?: readonly unknown[]) => (live(), (await query(client, sql, params, seen)).rowCount ?? 0),
    // READ COMMITTED lets two transactions read the same "before"; the lock makes the second
    // wait for the first's commit. Released by COMMIT or ROLLBACK.
    lock: async (key: string) => (live(), void (await query(client, 'SELECT pg_advisory_xact_lock(hashtext(?))', [key], seen))),
    afterCommit: (fn: () => void) => (live(), after(fn)),
    notify: async (channel: string, payload: string) => (live(), void (await query(client, 'SELECT pg_notify(?, ?)', [channel, payload], seen))),
  };
}
