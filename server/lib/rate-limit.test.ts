import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/index.ts';
import { DIALECTS, freshDb } from '../db/testing.ts';
import { fakeClock } from './clock.ts';
import { RateLimitedError } from './errors.ts';
import { createLocalRateLimiter, createRateLimiter, pruneRateLimits, type RateLimiter } from './rate-limit.ts';

/** Hits `key` n times; returns how many were admitted and the last refusal's retryAfter. */
async function burst(limiter: RateLimiter, n: number, key = 'ip:198.51.100.7', limit = 10, windowSeconds = 60) {
  let admitted = 0;
  let retryAfter: number | undefined;
  for (let i = 0; i < n; i++) {
    try {
      await limiter.hit(key, limit, windowSeconds);
      admitted++;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      retryAfter = error.extra.retryAfter;
    }
  }
  return { admitted, retryAfter };
}

for (const dialect of DIALECTS) {
  describe(`rate limits (${dialect})`, () => {
    let db: Db;
    beforeEach(async () => {
      db = await freshDb(dialect);
    });
    afterEach(async () => {
      await db.close();
    });

    for (const [name, make] of [
      ['shared', (clock: ReturnType<typeof fakeClock>) => createRateLimiter(db, clock)],
      ['local', (clock: ReturnType<typeof fakeClock>) => createLocalRateLimiter(db, clock, { syncMs: 60_000 })],
    ] as const) {
      it(`${name}_burstOfTwelveAtTenPerMinute_admitsTenThenOneEverySixSeconds`, async () => {
        const clock = fakeClock();
        const limiter = make(clock);
        expect(await burst(limiter, 12)).toEqual({ admitted: 10, retryAfter: 6 });
        clock.advance(5_999);
        expect((await burst(limiter, 1)).admitted).toBe(0);
        clock.advance(1);
        expect(await burst(limiter, 2)).toEqual({ admitted: 1, retryAfter: 6 });
      });

      it(`${name}_aroundWhatWasAWindowEdge_neverMoreThanTheLimitInSixtySeconds`, async () => {
        // the fixed window let 10 through at 0:58 and 10 more at 1:01
        const clock = fakeClock(Date.UTC(2026, 0, 1, 10, 0, 58));
        const limiter = make(clock);
        expect((await burst(limiter, 10)).admitted).toBe(10);
        clock.advance(3_000);
        expect((await burst(limiter, 10)).admitted).toBe(0);
        clock.advance(60_000);
        expect((await burst(limiter, 12)).admitted).toBe(10);
      });

      it(`${name}_keysAreIndependent`, async () => {
        const limiter = make(fakeClock());
        expect((await burst(limiter, 10, 'user:a')).admitted).toBe(10);
        expect((await burst(limiter, 10, 'user:b')).admitted).toBe(10);
      });
    }

    it('shared_hourlyLimitOfThree_twoInstancesNeverMoreThanThreeAnHour', async () => {
      const clock = fakeClock();
      const [a, b] = [createRateLimiter(db, clock), createRateLimiter(db, clock)];
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => burst(i % 2 ? a : b, 1, 'otp-ip:203.0.113.9', 3, 3600)));
      expect(results.reduce((n, r) => n + r.admitted, 0)).toBe(3);
      clock.advance(1_199_000); // 20 min (one spaced hit) less a second
      expect((await burst(a, 1, 'otp-ip:203.0.113.9', 3, 3600)).admitted).toBe(0);
      clock.advance(1_000);
      expect((await burst(b, 2, 'otp-ip:203.0.113.9', 3, 3600)).admitted).toBe(1);
    });

    it('local_twoInstances_eachAtMostTheLimitThenTheSyncMakesBothWaitForAll', async () => {
      const clock = fakeClock();
      const [a, b] = [createLocalRateLimiter(db, clock, { syncMs: 60_000 }), createLocalRateLimiter(db, clock, { syncMs: 60_000 })];
      // before they sync, each instance admits at most the limit: the documented bound N x limit
      expect((await burst(a, 15)).admitted).toBe(10);
      expect((await burst(b, 15)).admitted).toBe(10);
      await a.sync();
      await b.sync();
      // the shared tat now holds 20 hits (120 s): one minute on, a fresh local burst would pass
      // 10 again, but b adopted the shared state and admits nothing until it drains
      clock.advance(60_000);
      expect((await burst(b, 5)).admitted).toBe(0);
      clock.advance(60_000);
      expect((await burst(b, 1)).admitted).toBe(1);
    });

    it('prune_drainedKeys_removedAndLiveOnesKept', async () => {
      const clock = fakeClock();
      const limiter = createRateLimiter(db, clock);
      await burst(limiter, 1, 'a');
      clock.advance(30_000);
      await burst(limiter, 10, 'b');
      await pruneRateLimits(db, clock);
      expect(await db.all('SELECT key FROM limits.rate_limits ORDER BY key')).toEqual([{ key: 'b' }]);
    });
  });
}
