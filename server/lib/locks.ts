// A lock on a key for the rest of the transaction, across processes. PostgreSQL at READ
// COMMITTED needs it for check-then-write rules (limits counted before an insert); SQLite's
// BEGIN IMMEDIATE already admits one writer at a time.
import type { Db } from '../db/index.ts';

export async function lockKey(tx: Db, key: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.one('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
}
