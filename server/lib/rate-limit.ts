// Rate limits as GCRA, the generic cell rate algorithm: `limit` hits per window, at most `limit`
// of them at once, the rest spread evenly. Unlike fixed windows, no more than `limit` hits ever
// pass within any one window's length, wherever it starts (a fixed window let 2 x limit through
// around its edge). The state per key is one number, the theoretical arrival time (tat), kept in
// whole microseconds so the shared table holds integers and rounding stays far below one hit.
// @see https://www.itu.int/rec/T-REC-I.371 (Annex A, the virtual scheduling algorithm)
//
// Two limiters share the algorithm:
// - createRateLimiter: exact across every process, one atomic upsert per hit in the shared
//   limits table. For the security limits (OTP sends per address).
// - createLocalRateLimiter: in memory, reconciled with the same table every `syncMs`. For the
//   general per-address and per-user request limits, where a bounded overshoot is acceptable
//   (docs/operations.md): across N instances a key gets at most N x limit in one window, and
//   after each sync every instance waits out the hits of all of them.
import type { Db } from '../db/index.ts';
import type { Clock } from './clock.ts';
import { RateLimitedError } from './errors.ts';

export interface RateLimiter {
  /** Counts one hit on `key`; throws RateLimitedError when it would exceed `limit` per window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<void>;
}

const US = 1000;
/** Microseconds between evenly spread hits. */
const stepOf = (limit: number, window: number) => Math.floor(window / limit);

/** The next tat if a hit at `now` is allowed, else undefined (all in µs). */
function admit(tat: number, now: number, step: number, window: number): number | undefined {
  const next = Math.max(tat, now) + step;
  return next - now <= window ? next : undefined;
}

/** Seconds until a refused key admits one hit again. */
function retryAfter(tat: number, now: number, step: number, window: number): number {
  return Math.max(1, Math.ceil((Math.max(tat, now) + step - window - now) / 1_000_000));
}

// SET expressions see the row as it was, so `ok` and `tat` are decided from the same old tat.
const greatest = (db: Db) => (db.dialect === 'postgres' ? 'GREATEST' : 'MAX');
const upsertSql = (db: Db) => {
  const next = `${greatest(db)}(rate_limits.tat, ?) + ?`;
  return `INSERT INTO limits.rate_limits (key, tat, ok) VALUES (?, ?, 1)
    ON CONFLICT (key) DO UPDATE SET
      ok = CASE WHEN ${next} - ? <= ? THEN 1 ELSE 0 END,
      tat = CASE WHEN ${next} - ? <= ? THEN ${next} ELSE rate_limits.tat END
    RETURNING tat, ok`;
};

export function createRateLimiter(db: Db, clock: Clock, options: { onRefuse?: (key: string) => void } = {}): RateLimiter {
  const sql = upsertSql(db);
  return {
    async hit(key, limit, windowSeconds) {
      const now = clock.now() * US;
      const window = windowSeconds * 1_000_000;
      const step = stepOf(limit, window);
      const row = await db.one<{ tat: number; ok: number }>(sql, [key, now + step, now, step, now, window, now, step, now, window, now, step]);
      if (row && !row.ok) {
        options.onRefuse?.(key);
        throw new RateLimitedError(retryAfter(row.tat, now, step, window));
      }
    },
  };
}

/** Adds hits counted elsewhere to a key's shared tat, without refusing any; returns the new tat. */
const addSql = (db: Db) => `INSERT INTO limits.rate_limits (key, tat, ok) VALUES (?, ?, 1)
  ON CONFLICT (key) DO UPDATE SET tat = ${greatest(db)}(rate_limits.tat, ?) + ?, ok = 1
  RETURNING tat`;

interface LocalKey {
  tat: number;
  /** hits admitted here since the last sync, in µs of tat */
  unsynced: number;
}

export function createLocalRateLimiter(
  db: Db,
  clock: Clock,
  options: { syncMs: number; onSyncError?: (error: unknown) => void; onRefuse?: (key: string) => void },
): RateLimiter & { sync(): Promise<void> } {
  const keys = new Map<string, LocalKey>();
  const sql = addSql(db);
  let timer: NodeJS.Timeout | undefined;

  async function sync(): Promise<void> {
    timer = undefined;
    const now = clock.now() * US;
    for (const [key, state] of keys) {
      if (state.unsynced === 0) {
        if (state.tat <= now) keys.delete(key); // drained: nothing left to remember
        continue;
      }
      const added = state.unsynced;
      state.unsynced = 0;
      try {
        const row = await db.one<{ tat: number }>(sql, [key, now + added, now, added]);
        if (row) state.tat = Math.max(state.tat, row.tat);
      } catch (error) {
        state.unsynced += added; // try again next time
        options.onSyncError?.(error);
      }
    }
    if ([...keys.values()].some((s) => s.unsynced > 0)) schedule();
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => void sync(), options.syncMs);
    timer.unref();
  }

  return {
    async hit(key, limit, windowSeconds) {
      const now = clock.now() * US;
      const window = windowSeconds * 1_000_000;
      const step = stepOf(limit, window);
      const state = keys.get(key) ?? { tat: now, unsynced: 0 };
      const next = admit(state.tat, now, step, window);
      if (next === undefined) {
        options.onRefuse?.(key);
        throw new RateLimitedError(retryAfter(state.tat, now, step, window));
      }
      state.unsynced += next - Math.max(state.tat, now);
      state.tat = next;
      keys.set(key, state);
      schedule();
    },
    sync,
  };
}

/** Drops keys whose tat has passed: a drained key admits a full burst like a key never seen. */
export async function pruneRateLimits(db: Db, clock: Clock): Promise<void> {
  await db.run('DELETE FROM limits.rate_limits WHERE tat < ?', [clock.now() * US]);
}
