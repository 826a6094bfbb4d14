/** The database cannot be reached right now; the HTTP layer maps this to 503. `cause` holds the driver error. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_CODES.has(code) || code.startsWith('08'))) return true;
  if (/Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(err.message)) return true;
  // net.connect with several addresses (localhost -> ::1 and 127.0.0.1) fails with an AggregateError
  return err instanceof AggregateError && err.errors.some(isConnectionError);
}

/** Wrap connection-level failures in DatabaseUnavailableError; pass every other error through unchanged. */
export function mapPgError(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError || !isConnectionError(err)) return err;
  const detail = err instanceof Error && err.message ? err.message : String((err as { code?: unknown }).code);
  return new DatabaseUnavailableError(`database unavailable: ${detail}`, { cause: err });
}

/**
 * SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes: another process held the
 * database past busy_timeout. Like a lost PostgreSQL connection, a retry may succeed: 503.
 */
export function mapSqliteError(err: unknown): unknown {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  if (err instanceof DatabaseUnavailableError || typeof code !== 'number' || ![5, 6].includes(code & 0xff)) return err;
  return new DatabaseUnavailableError(`database busy: ${(err as Error).message}`, { cause: err });
}

/** True for a UNIQUE / PRIMARY KEY violation in either dialect (e.g. to turn a lost insert race into a 409). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as { code?: unknown; errcode?: unknown };
  // PG 23505; SQLite extended codes 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY
  return e.code === '23505' || e.errcode === 2067 || e.errcode === 1555;
}
