import { migrations as all, type Migration } from './migrations.ts';
import type { Db, Tx } from './types.ts';

// Arbitrary app-wide key: concurrent starters on PostgreSQL queue here. On SQLite, BEGIN IMMEDIATE
// already serialises writers across processes.
const PG_LOCK = 'SELECT pg_advisory_xact_lock(7308652)';

const CREATE_HISTORY = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Apply pending migrations in order, one transaction each. Resolves to the ids applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = all): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (i > 0 && m.id <= migrations[i - 1]!.id) throw new Error(`migration ids must increase: ${m.id} after ${migrations[i - 1]!.id}`);
  });
  const lock = async (tx: Tx) => {
    if (tx.dialect === 'postgres') await tx.run(PG_LOCK);
  };

  const done = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.run(CREATE_HISTORY);
    return new Set((await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
  });

  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    await db.transaction(async (tx) => {
      await lock(tx);
      // another process may have applied it while we waited for the lock
      if (await tx.one('SELECT id FROM schema_migrations WHERE id = ?', [m.id])) return;
      for (const sql of m.up(db.dialect)) await tx.run(sql);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, Date.now()]);
      applied.push(m.id);
    });
  }
  return applied;
}
