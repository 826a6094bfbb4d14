// Queries for users and their devices.
import type { Queryable, ScalarSubquery, Tx } from '../db/index.ts';

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

export interface DeviceRow {
  id: string;
  client_device_id: string;
  name: string | null;
  platform: string | null;
  model: string | null;
  os_version: string | null;
  app_version: string | null;
  created_at: number;
  last_seen_at: number;
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

/** A PATCH of the profile: each field set (a value or null) or left alone (undefined). */
export interface ProfileChange {
  name?: string | null | undefined;
  userType?: string | null | undefined;
  email?: string | null | undefined;
  /** the merged object, as JSON */
  preferences?: string | undefined;
}

// Column lists, not `*`: a row's fields stay the ones UserRow and DeviceRow name whatever a later
// migration adds, and the statements keep node:sqlite's array rows (server/db/sqlite.ts).
// Every field of the row once: `satisfies` refuses a field missing from the list, or one too many.
const USER_FIELDS = {
  id: 1,
  phone_number: 1,
  password_hash: 1,
  name: 1,
  user_type: 1,
  email: 1,
  role: 1,
  preferences: 1,
  plan: 1,
  plan_expires_at: 1,
  data_quota: 1,
  created_at: 1,
  updated_at: 1,
} as const satisfies Record<keyof UserRow, 1>;
const DEVICE_FIELDS = {
  id: 1,
  client_device_id: 1,
  name: 1,
  platform: 1,
  model: 1,
  os_version: 1,
  app_version: 1,
  created_at: 1,
  last_seen_at: 1,
} as const satisfies Record<keyof DeviceRow, 1>;
const USER_COLUMNS = Object.keys(USER_FIELDS);
const DEVICE_COLUMNS = Object.keys(DEVICE_FIELDS);
const USER = USER_COLUMNS.join(', ');
const DEVICE = DEVICE_COLUMNS.join(', ');

export function findUserByPhone(db: Queryable, phone: string) {
  return db.one<UserRow>(`SELECT ${USER} FROM users WHERE phone_number = ?`, [phone]);
}

export function findUserById(db: Queryable, id: string) {
  return db.one<UserRow>(`SELECT ${USER} FROM users WHERE id = ?`, [id]);
}

export function insertUser(db: Queryable, user: { id: string; phone: string; passwordHash: string | null; dataQuota: number; now: number }) {
  return db.run(
    `INSERT INTO users (id, phone_number, password_hash, role, preferences, plan, data_quota, created_at, updated_at)
     VALUES (?, ?, ?, 'user', '{}', 'free', ?, ?, ?)`,
    [user.id, user.phone, user.passwordHash, user.dataQuota, user.now, user.now],
  );
}

export function preferencesOf(tx: Tx, id: string) {
  return tx.one<{ preferences: string }>('SELECT preferences FROM users WHERE id = ?', [id]);
}

export function updateProfile(tx: Tx, id: string, change: ProfileChange, now: number) {
  return tx.run(
    `UPDATE users SET
       name = CASE WHEN ? = 1 THEN ? ELSE name END,
       user_type = COALESCE(?, user_type),
       email = CASE WHEN ? = 1 THEN ? ELSE email END,
       preferences = COALESCE(?, preferences),
       updated_at = ?
     WHERE id = ?`,
    [
      'name' in change ? 1 : 0,
      change.name ?? null,
      change.userType ?? null,
      'email' in change ? 1 : 0,
      change.email ?? null,
      change.preferences ?? null,
      now,
      id,
    ],
  );
}

export function setPasswordHash(tx: Tx, id: string, hash: string, now: number) {
  return tx.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, now, id]);
}

export function deleteUser(tx: Tx, id: string) {
  return tx.run('DELETE FROM users WHERE id = ?', [id]);
}

export function listDevices(db: Queryable, userId: string) {
  return db.all<DeviceRow>(`SELECT ${DEVICE} FROM devices WHERE user_id = ? ORDER BY last_seen_at DESC, id LIMIT 100`, [userId]);
}

/** The account's data quota, for the stats report's statement (vpn/). */
export const QUOTA_OF_ACCOUNT: ScalarSubquery = 'SELECT data_quota FROM users WHERE id = ?';

/** The account with its devices (as listDevices lists them) and `figure`, the one statement of a profile read. */
export type WithDevices = { user: UserRow; devices: DeviceRow[]; figure: unknown };

/**
 * The statement of findUserWithDevices: one row per device (LIMIT as listDevices), or one with
 * NULL device columns when there is none, each with the figure (a subquery of a parameter only:
 * both databases compute it once per statement). Device columns come back prefixed `d_`.
 */
export function withDevicesSql(figure: ScalarSubquery): string {
  return `SELECT ${USER_COLUMNS.map((c) => `u.${c}`).join(', ')}, ${DEVICE_COLUMNS.map((c) => `d.${c} AS d_${c}`).join(', ')}, (${figure}) AS figure
  FROM users u LEFT JOIN devices d ON d.user_id = u.id
  WHERE u.id = ?
  ORDER BY d.last_seen_at DESC, d.id
  LIMIT 100`;
}

/** The account, its devices and a figure of it in one statement (`sql` from withDevicesSql): one round trip on PostgreSQL. */
export async function findUserWithDevices(db: Queryable, sql: string, id: string): Promise<WithDevices | undefined> {
  const rows = await db.all<Record<string, unknown>>(sql, [id, id]);
  const first = rows[0];
  if (!first) return undefined;
  return {
    user: pick(first, USER_COLUMNS, '') as UserRow,
    devices: first.d_id === null ? [] : rows.map((row) => pick(row, DEVICE_COLUMNS, 'd_') as DeviceRow),
    figure: first.figure,
  };
}

function pick(row: Record<string, unknown>, columns: readonly string[], prefix: string): unknown {
  const picked: Record<string, unknown> = {};
  for (const column of columns) picked[column] = row[prefix + column];
  return picked;
}

export function findDevice(tx: Tx, id: string, userId: string) {
  return tx.one<{ id: string }>('SELECT id FROM devices WHERE id = ? AND user_id = ?', [id, userId]);
}

export function deleteDevice(tx: Tx, id: string, userId: string) {
  return tx.run('DELETE FROM devices WHERE id = ? AND user_id = ?', [id, userId]);
}

/**
 * The device row of a new sign-in. A deviceId is the client's word, not a proof: the user's row
 * of that deviceId is taken over only when no live session holds it (the device signing in
 * again), and then shows only what this sign-in reports; otherwise, and without a deviceId, the
 * sign-in gets a row of its own (named by its id), so every live session is listed and revocable.
 * The one read of another resource's table (sessions), kept in the statement the lock covers.
 */
export async function deviceForSignIn(tx: Tx, id: string, userId: string, d: DeviceInput, now: number): Promise<string> {
  const info = [d.name ?? null, d.platform ?? null, d.model ?? null, d.osVersion ?? null, d.appVersion ?? null, d.languageCode ?? null, d.timezone ?? null];
  if (d.clientDeviceId) {
    await tx.lock(`device:${userId}:${d.clientDeviceId}`);
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
export async function touchDevice(tx: Tx, id: string, userId: string, now: number): Promise<boolean> {
  return (await tx.run('UPDATE devices SET last_seen_at = ? WHERE id = ? AND user_id = ?', [now, id, userId])) === 1;
}
