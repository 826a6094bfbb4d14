// Fixed-window counters in the database (limits.rate_counters: unlogged on PostgreSQL, an
// unsynced attached file on SQLite), so every server process shares them.
import type { Db } from '../db/index.ts';
import type { Clock } from './clock.ts';
import { RateLimitedError } from './errors.ts';

export interface RateLimiter {
  /** Counts one hit on `key`; throws RateLimitedError once `limit` hits fall in the current window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<void>;
}

const UPSERT = `INSERT INTO limits.rate_counters (key, window_start, count) VALUES (?, ?, 1)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.count + 1 ELSE 1 END,
    window_start = excluded.window_start
  RETURNING count, window_start`;

export function createRateLimiter(db: Db, clock: Clock): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const now = clock.now();
      const windowMs = windowSeconds * 1000;
      const windowStart = now - (now % windowMs);
      const row = await db.one<{ count: number; window_start: number }>(UPSERT, [key, windowStart]);
      if (row && row.count > limit) {
        throw new RateLimitedError(Math.max(1, Math.ceil((row.window_start + windowMs - now) / 1000)));
      }
    },
  };
}

/** Drops counters of windows long gone; called now and then, never on a request. */
export async function pruneRateCounters(db: Db, olderThanMs: number): Promise<void> {
  await db.run('DELETE FROM limits.rate_counters WHERE window_start < ?', [olderThanMs]);
}
