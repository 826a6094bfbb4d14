// Queries for users, devices, sessions and refresh tokens.
import type { Db } from '../db/index.ts';
import { lockKey } from '../lib/locks.ts';

export interface UserRow {
  id: string;
  phone_number: string;
  password_hash: string | null;
  name: string | null;
  user_type: string | null;
  email: string | null;
  role: string;
  preferences: string;
  plan: string;
  plan_expires_at: number | null;
  data_quota: number;
  created_at: number;
  updated_at: number;
}

export interface RefreshRow {
  token_hash: string;
  session_id: string;
  user_id: string;
  expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export function findUserByPhone(db: Db, phone: string) {
  return db.one<UserRow>('SELECT * FROM users WHERE phone_number = ?', [phone]);
}

export function findUserById(db: Db, id: string) {
  return db.one<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
}

export function insertUser(db: Db, user: { id: string; phone: string; passwordHash: string | null; dataQuota: number; now: number }) {
  return db.run(
    `INSERT INTO users (id, phone_number, password_hash, role, preferences, plan, data_quota, created_at, updated_at)
     VALUES (?, ?, ?, 'user', '{}', 'free', ?, ?, ?)`,
    [user.id, user.phone, user.passwordHash, user.dataQuota, user.now, user.now],
  );
}

export interface DeviceInput {
  clientDeviceId?: string | undefined;
  name?: string | undefined;
  platform?: string | undefined;
  model?: string | undefined;
  osVersion?: string | undefined;
  appVersion?: string | undefined;
  languageCode?: string | undefined;
  timezone?: string | undefined;
}

/**
 * The device row of a new sign-in. A deviceId is the client's word, not a proof: the user's row
 * of that deviceId is taken over only when no live session holds it (the device signing in
 * again), and then shows only what this sign-in reports; otherwise, and without a deviceId, the
 * sign-in gets a row of its own (named by its id), so every live session is listed and revocable.
 */
export async function deviceForSignIn(tx: Db, id: string, userId: string, d: DeviceInput, now: number): Promise<string> {
  const info = [d.name ?? null, d.platform ?? null, d.model ?? null, d.osVersion ?? null, d.appVersion ?? null, d.languageCode ?? null, d.timezone ?? null];
  if (d.clientDeviceId) {
    await lockKey(tx, `device:${userId}:${d.clientDeviceId}`);
    const free = await tx.one<{ id: string }>(
      `SELECT id FROM devices WHERE user_id = ? AND client_device_id = ?
         AND NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.device_id = devices.id AND sessions.revoked_at IS NULL)
       ORDER BY last_seen_at DESC, id LIMIT 1`,
      [userId, d.clientDeviceId],
    );
    if (free) {
      await tx.run(
        `UPDATE devices SET name = ?, platform = ?, model = ?, os_version = ?, app_version = ?, language_code = ?, timezone = ?, last_seen_at = ?
         WHERE id = ?`,
        [...info, now, free.id],
      );
      return free.id;
    }
  }
  await tx.run(
    `INSERT INTO devices (id, user_id, client_device_id, name, platform, model, os_version, app_version, language_code, timezone, created_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, userId, d.clientDeviceId ?? id, ...info, now, now],
  );
  return id;
}

/** The caller's own row when it still exists (a password change re-issues on it). */
export async function touchDevice(tx: Db, id: string, userId: string, now: number): Promise<boolean> {
  return (await tx.run('UPDATE devices SET last_seen_at = ? WHERE id = ? AND user_id = ?', [now, id, userId])) === 1;
}

export function insertSession(db: Db, s: { id: string; userId: string; deviceId: string | null; now: number }) {
  return db.run('INSERT INTO sessions (id, user_id, device_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)', [s.id, s.userId, s.deviceId, s.now, s.now]);
}

export function findLiveSession(db: Db, id: string) {
  return db.one<{ id: string; user_id: string; device_id: string | null }>('SELECT id, user_id, device_id FROM sessions WHERE id = ? AND revoked_at IS NULL', [
    id,
  ]);
}

export function insertRefreshToken(db: Db, t: { hash: string; sessionId: string; userId: string; parentHash: string | null; now: number; expiresAt: number }) {
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
export function claimRefreshToken(tx: Db, hash: string, now: number) {
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

export function findRefreshToken(db: Db, hash: string) {
  return db.one<RefreshRow>('SELECT token_hash, session_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = ?', [hash]);
}

export async function revokeSessions(db: Db, where: { sessionId?: string; userId?: string; deviceId?: string }, reason: string, now: number): Promise<void> {
  const [column, value] = where.sessionId ? ['id', where.sessionId] : where.deviceId ? ['device_id', where.deviceId] : ['user_id', where.userId];
  await db.run(`UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE ${column} = ? AND revoked_at IS NULL`, [now, reason, value]);
  await db.run(`UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND session_id IN (SELECT id FROM sessions WHERE ${column} = ?)`, [
    now,
    value,
  ]);
}

export function touchSession(db: Db, id: string, now: number) {
  return db.run('UPDATE sessions SET last_used_at = ? WHERE id = ?', [now, id]);
}
