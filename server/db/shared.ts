import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './types.ts';

/** The transaction open in the current async context, so that calls made on the outer Db
 *  from inside `transaction(fn)` join it instead of deadlocking (SQLite) or escaping it (PG). */
export interface TxScope {
  owner: object;
  tx: Db;
  active: boolean;
  /** afterCommit callbacks, run in order once COMMIT succeeded */
  after: (() => void)[];
}

export function runAfterCommit(scope: TxScope): void {
  for (const fn of scope.after) fn();
}

export const txContext = new AsyncLocalStorage<TxScope>();

export function currentTx(owner: object): Db | undefined {
  const scope = txContext.getStore();
  return scope && scope.owner === owner && scope.active ? scope.tx : undefined;
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
