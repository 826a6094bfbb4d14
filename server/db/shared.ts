import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tx } from './types.ts';

/** The transaction open in the current async context: while it is, its Db refuses calls, so a
 *  statement cannot escape it (PostgreSQL: another connection) or wait for it (SQLite: the writer). */
export interface TxScope {
  owner: object;
  tx: Tx;
  active: boolean;
  /** afterCommit callbacks, run in order once COMMIT succeeded */
  after: (() => void)[];
}

export function runAfterCommit(scope: TxScope): void {
  for (const fn of scope.after) fn();
}

export const txContext = new AsyncLocalStorage<TxScope>();

/** True while a transaction of `owner` is open in the current async context. */
export function inTx(owner: object): boolean {
  const scope = txContext.getStore();
  return scope !== undefined && scope.owner === owner && scope.active;
}

/** The answer of a Db called from inside its own transaction: a programming error, never run. */
export function refuseInTx(what: string): Promise<never> {
  return Promise.reject(new Error(`${what} called on the db inside a transaction: use the transaction's tx`));
}

export function toParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Date) return v.getTime();
    return v;
  });
}

/** Dynamic SQL (e.g. IN lists) must not grow a cache forever; the app's static statements fit easily. */
export function remember<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= 1000) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}
