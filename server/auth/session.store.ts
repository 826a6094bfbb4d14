// Queries for sessions and refresh tokens.
import type { Db, Queryable, Tx } from '../db/index.ts';

export interface RefreshRow {
  token_hash: string;
  session_id: string;
  user_id: string;
  expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export function insertSession(db: Queryable, s: { id: string; userId: string; deviceId: string | null; now: number }) {
  return db.run('INSERT INTO sessions (id, user_id, device_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)', [s.id, s.userId, s.deviceId, s.now, s.now]);
}

export function findLiveSession(db: Queryable, id: string) {
  return db.one<{ id: string; user_id: string; device_id: string | null }>('SELECT id, user_id, device_id FROM sessions WHERE id = ? AND revoked_at IS NULL', [
    id,
  ]);
}

export function insertRefreshToken(
  db: Queryable,
  t: { hash: string; sessionId: string; userId: string; parentHash: string | null; now: number; expiresAt: number },
) {
  return db.run('INSERT INTO refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
    t.hash,
    t.sessionId,
    t.userId,
    t.parentHash,
    t.now,
    t.expiresAt,
  ]);
}

/** The one conditional UPDATE that makes rotation happen exactly once per token. */
function claimRefreshToken(tx: Tx, hash: string, now: number) {
  return tx.one<RefreshRow>(
    `UPDATE refresh_tokens SET rotated_at = ?
     WHERE token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ?
     RETURNING token_hash, session_id, user_id, expires_at, rotated_at, revoked_at`,
    [now, hash, now],
  );
}

/**
 * One rotation: the token claimed, its successor stored and the session touched, all or none;
 * undefined when the token could not be claimed (the caller finds out why). On PostgreSQL it is
 * ONE statement (data-modifying CTEs run as one atomic statement): a single round trip instead
 * of BEGIN, three statements and COMMIT. SQLite has no such CTEs and no round trips to save.
 */
export async function rotateRefreshToken(db: Db, r: { hash: string; successorHash: string; now: number; expiresAt: number }): Promise<RefreshRow | undefined> {
  if (db.dialect === 'postgres') {
    return db.one<RefreshRow>(
      `WITH claimed AS (
         UPDATE refresh_tokens SET rotated_at = ?
         WHERE token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ?
         RETURNING token_hash, session_id, user_id, expires_at, rotated_at, revoked_at
       ), successor AS (
         INSERT INTO refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, expires_at)
         SELECT ?, session_id, user_id, token_hash, ?, ? FROM claimed
       ), touched AS (
         UPDATE sessions SET last_used_at = ? WHERE id = (SELECT session_id FROM claimed)
       )
       SELECT * FROM claimed`,
      [r.now, r.hash, r.now, r.successorHash, r.now, r.expiresAt, r.now],
    );
  }
  return db.transaction(async (tx) => {
    const claimed = await claimRefreshToken(tx, r.hash, r.now);
    if (!claimed) return undefined;
    await insertRefreshToken(tx, {
      hash: r.successorHash,
      sessionId: claimed.session_id,
      userId: claimed.user_id,
      parentHash: r.hash,
      now: r.now,
      expiresAt: r.expiresAt,
    });
    await touchSession(tx, claimed.session_id, r.now);
    return claimed;
  });
}

export function findRefreshToken(db: Queryable, hash: string) {
  return db.one<RefreshRow>('SELECT token_hash, session_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = ?', [hash]);
}

export async function revokeSessions(
  db: Queryable,
  where: { sessionId?: string; userId?: string; deviceId?: string },
  reason: string,
  now: number,
): Promise<void> {
  const [column, value] = where.sessionId ? ['id', where.sessionId] : where.deviceId ? ['device_id', where.deviceId] : ['user_id', where.userId];
  await db.run(`UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE ${column} = ? AND revoked_at IS NULL`, [now, reason, value]);
  await db.run(`UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND session_id IN (SELECT id FROM sessions WHERE ${column} = ?)`, [
    now,
    value,
  ]);
}

export function touchSession(db: Queryable, id: string, now: number) {
  return db.run('UPDATE sessions SET last_used_at = ? WHERE id = ?', [now, id]);
}
