// Deletes of the retention job (retention.ts), each one bounded batch: `DELETE ... WHERE key IN
// (SELECT key ... LIMIT n)` runs the same on SQLite and PostgreSQL and holds its locks briefly.
import type { Queryable } from '../db/index.ts';

const batch = (db: Queryable, table: string, key: string, where: string, params: unknown[], limit: number) =>
  db.run(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ?)`, [...params, limit]);

/** Codes expired before `expiredBefore` and created before `createdBefore` (the send limit's hour). */
export const deleteOtpCodes = (db: Queryable, expiredBefore: number, createdBefore: number, limit: number) =>
  batch(db, 'otp_codes', 'id', 'expires_at < ? AND created_at < ?', [expiredBefore, createdBefore], limit);

export const deleteVerificationTokens = (db: Queryable, expiredBefore: number, limit: number) =>
  batch(db, 'verification_tokens', 'token_hash', 'expires_at < ?', [expiredBefore], limit);

export const deleteLoginFailures = (db: Queryable, before: number, limit: number) => batch(db, 'login_failures', 'id', 'created_at < ?', [before], limit);

/** Tokens of sessions revoked before `revokedBefore`: their family is over, nothing replays into it. */
export const deleteTokensOfRevokedSessions = (db: Queryable, revokedBefore: number, limit: number) =>
  batch(db, 'refresh_tokens', 'token_hash', 'session_id IN (SELECT id FROM sessions WHERE revoked_at < ?)', [revokedBefore], limit);

/** Revoked sessions whose tokens are gone (so the cascade deletes nothing unbounded). */
export const deleteRevokedSessions = (db: Queryable, revokedBefore: number, limit: number) =>
  batch(
    db,
    'sessions',
    'id',
    'revoked_at < ? AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE refresh_tokens.session_id = sessions.id)',
    [revokedBefore],
    limit,
  );

/** Tokens expired before `expiredBefore` and, when rotated, past the grace window. Until it
 *  expires a rotated token is kept: its replay is how a stolen family is detected and revoked. */
export const deleteExpiredTokens = (db: Queryable, expiredBefore: number, rotatedBefore: number, limit: number) =>
  batch(db, 'refresh_tokens', 'token_hash', 'expires_at < ? AND (rotated_at IS NULL OR rotated_at < ?)', [expiredBefore, rotatedBefore], limit);
