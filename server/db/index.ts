import { migrate } from './migrate.ts';
import { PostgresDb } from './postgres.ts';
import { SqliteDb } from './sqlite.ts';
import type { Db } from './types.ts';

export type { Db, Dialect, Queryable, ScalarSubquery, Tx } from './types.ts';
export { DatabaseUnavailableError, isUniqueViolation } from './errors.ts';

/**
 * `sqlite:./data/barqnet.db` (relative to cwd), `sqlite:/abs/path.db`, `sqlite::memory:`,
 * or `postgres://user:pass@host:port/db` (also `postgresql://`).
 */
export async function openDb(url: string, options: { migrate?: boolean } = {}): Promise<Db> {
  const db = create(url);
  if (options.migrate ?? true) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
  }
  return db;
}

function create(url: string): Db {
  if (/^postgres(ql)?:\/\//.test(url)) return new PostgresDb(url);
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) return new SqliteDb(url.slice('sqlite:'.length));
  // the URL itself is not echoed: it may carry a password
  throw new Error('unsupported database URL: expected sqlite:<path>, sqlite::memory: or postgres://...');
}
