// Queries for one-time codes, verification tokens and login failures.
import type { Queryable, Tx } from '../db/index.ts';

export interface OtpRow {
  id: string;
  phone_number: string;
  code_hash: string;
  attempts: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

/** Serialises work on one phone number across processes. */
export const lockPhone = (tx: Tx, phone: string) => tx.lock(`phone:${phone}`);

export function sendsSince(tx: Tx, phone: string, since: number) {
  return tx.all<{ created_at: number }>('SELECT created_at FROM otp_codes WHERE phone_number = ? AND created_at > ? ORDER BY created_at', [phone, since]);
}

/** Voids the number's other pending codes once one of them has proven the number. */
export function voidOtherCodes(tx: Tx, phone: string, keepId: string, now: number) {
  return tx.run('UPDATE otp_codes SET consumed_at = ? WHERE phone_number = ? AND consumed_at IS NULL AND id <> ?', [now, phone, keepId]);
}

export function insertCode(tx: Tx, row: Omit<OtpRow, 'attempts' | 'consumed_at'> & { ip: string }) {
  return tx.run('INSERT INTO otp_codes (id, phone_number, code_hash, attempts, expires_at, consumed_at, created_at, ip) VALUES (?, ?, ?, 0, ?, NULL, ?, ?)', [
    row.id,
    row.phone_number,
    row.code_hash,
    row.expires_at,
    row.created_at,
    row.ip,
  ]);
}

export function latestPendingCode(db: Queryable, phone: string) {
  return db.one<OtpRow>('SELECT * FROM otp_codes WHERE phone_number = ? AND consumed_at IS NULL ORDER BY created_at DESC LIMIT 1', [phone]);
}

/** The pending code of one sendOtp session of this number. */
export function pendingCodeOf(tx: Tx, id: string, phone: string) {
  return tx.one<OtpRow>('SELECT * FROM otp_codes WHERE id = ? AND phone_number = ? AND consumed_at IS NULL', [id, phone]);
}

export function consumeCode(tx: Tx, id: string, now: number) {
  return tx.run('UPDATE otp_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL', [now, id]);
}

export function deleteCode(db: Queryable, id: string) {
  return db.run('DELETE FROM otp_codes WHERE id = ?', [id]);
}

/** Counts a wrong attempt; the code dies with its last attempt. Returns the attempts made. */
export async function recordWrongAttempt(tx: Tx, id: string, maxAttempts: number, now: number): Promise<number> {
  const row = await tx.one<{ attempts: number }>(
    `UPDATE otp_codes SET attempts = attempts + 1,
       consumed_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE consumed_at END
     WHERE id = ? RETURNING attempts`,
    [maxAttempts, now, id],
  );
  return row?.attempts ?? maxAttempts;
}

export function insertVerificationToken(db: Queryable, tokenHash: string, phone: string, now: number, ttlMs: number) {
  return db.run('INSERT INTO verification_tokens (token_hash, phone_number, expires_at, used_at, created_at) VALUES (?, ?, ?, NULL, ?)', [
    tokenHash,
    phone,
    now + ttlMs,
    now,
  ]);
}

export function findUsableVerificationToken(db: Queryable, tokenHash: string, phone: string, now: number) {
  return db.one<{ token_hash: string }>(
    'SELECT token_hash FROM verification_tokens WHERE token_hash = ? AND phone_number = ? AND used_at IS NULL AND expires_at > ?',
    [tokenHash, phone, now],
  );
}

/** Single use even under concurrency: only one caller sees a changed row. */
export function useVerificationToken(tx: Tx, tokenHash: string, phone: string, now: number) {
  return tx.run('UPDATE verification_tokens SET used_at = ? WHERE token_hash = ? AND phone_number = ? AND used_at IS NULL AND expires_at > ?', [
    now,
    tokenHash,
    phone,
    now,
  ]);
}

export const lockAddress = (tx: Tx, ip: string) => tx.lock(`ip:${ip}`);

/** Failures since `since`, oldest first: for one number from one address, and from the address over all numbers. */
export async function loginFailuresSince(db: Queryable, phone: string, ip: string, since: number) {
  const pair = await db.all<{ created_at: number }>(
    'SELECT created_at FROM login_failures WHERE phone_number = ? AND ip = ? AND created_at > ? ORDER BY created_at',
    [phone, ip, since],
  );
  const address = await db.all<{ created_at: number }>('SELECT created_at FROM login_failures WHERE ip = ? AND created_at > ? ORDER BY created_at', [
    ip,
    since,
  ]);
  return { pair, address };
}

export function insertLoginFailure(db: Queryable, id: string, phone: string, ip: string, now: number) {
  return db.run('INSERT INTO login_failures (id, phone_number, ip, created_at) VALUES (?, ?, ?, ?)', [id, phone, ip, now]);
}

export function clearLoginFailures(db: Queryable, phone: string, ip: string) {
  return db.run('DELETE FROM login_failures WHERE phone_number = ? AND ip = ?', [phone, ip]);
}
