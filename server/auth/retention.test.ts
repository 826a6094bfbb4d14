// The retention job deletes what no rule needs any more, in bounded batches, and keeps the rest:
// codes the hourly send limit still counts, failures inside the lockout window, rotated refresh
// tokens inside the grace window or still able to prove a reuse, and their families.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';
import { pruneExpired } from './retention.ts';

const PHONE = '+14155552671';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const WINDOWS = {
  RETENTION_BATCH_SIZE: '2',
  RETENTION_CODES_SECONDS: '86400',
  RETENTION_LOGIN_FAILURES_SECONDS: '86400',
  RETENTION_SESSIONS_SECONDS: '604800',
};

for (const dialect of DIALECTS) {
  describe(`retention [${dialect}]`, () => {
    let h: Harness;
    let now: number;
    beforeEach(async () => {
      h = await startHarness(dialect, WINDOWS);
      now = h.clock.now();
    });
    afterEach(async () => h.close());

    const prune = () => pruneExpired(h.db, h.clock, h.config);
    const ids = async (table: string, column = 'id') => (await h.db.all<{ id: string }>(`SELECT ${column} AS id FROM ${table} ORDER BY 1`)).map((r) => r.id);
    const code = (id: string, createdAgo: number, consumed = false) =>
      h.db.run('INSERT INTO otp_codes (id, phone_number, code_hash, attempts, expires_at, consumed_at, created_at) VALUES (?, ?, ?, 0, ?, ?, ?)', [
        id,
        PHONE,
        'hash',
        now - createdAgo + 600_000,
        consumed ? now - createdAgo + 1 : null,
        now - createdAgo,
      ]);
    const verification = (id: string, expiredAgo: number) =>
      h.db.run('INSERT INTO verification_tokens (token_hash, phone_number, expires_at, used_at, created_at) VALUES (?, ?, ?, NULL, ?)', [
        id,
        PHONE,
        now - expiredAgo,
        now - expiredAgo - 600_000,
      ]);
    const failure = (id: string, ago: number) => h.db.run('INSERT INTO login_failures (id, phone_number, created_at) VALUES (?, ?, ?)', [id, PHONE, now - ago]);

    it('codesTokensAndFailures_pastTheirWindowGo_insideItStay_inBatches', async () => {
      for (let i = 0; i < 5; i++) await code(`old-${i}`, 2 * DAY, i % 2 === 0);
      await code('recent', 2 * HOUR);
      await code('pending', 60_000);
      for (let i = 0; i < 3; i++) await verification(`vt-old-${i}`, 2 * DAY);
      await verification('vt-recent', HOUR);
      await verification('vt-live', -300_000);
      for (let i = 0; i < 3; i++) await failure(`lf-old-${i}`, 2 * DAY);
      await failure('lf-recent', HOUR);

      const removed = await prune();

      expect(removed).toMatchObject({ otpCodes: 5, verificationTokens: 3, loginFailures: 3 });
      expect(await ids('otp_codes')).toEqual(['pending', 'recent']);
      expect(await ids('verification_tokens', 'token_hash')).toEqual(['vt-live', 'vt-recent']);
      expect(await ids('login_failures')).toEqual(['lf-recent']);
      expect(await prune()).toMatchObject({ otpCodes: 0, verificationTokens: 0, loginFailures: 0 });
    });

    it('shortWindows_neverCutIntoTheSendLimitHourOrTheLockoutWindow', async () => {
      const tight = await startHarness(dialect, { RETENTION_CODES_SECONDS: '0', RETENTION_LOGIN_FAILURES_SECONDS: '0', LOGIN_LOCKOUT_SECONDS: '900' });
      try {
        const t = tight.clock.now();
        const insert = (id: string, ago: number) =>
          tight.db.run('INSERT INTO otp_codes (id, phone_number, code_hash, attempts, expires_at, consumed_at, created_at) VALUES (?, ?, ?, 0, ?, ?, ?)', [
            id,
            PHONE,
            'h',
            t - ago + 600_000,
            t - ago + 1,
            t - ago,
          ]);
        await insert('counted', 30 * 60_000); // expired 20 minutes ago, still one of this hour's sends
        await insert('uncounted', HOUR + 60_000);
        await tight.db.run('INSERT INTO login_failures (id, phone_number, created_at) VALUES (?, ?, ?), (?, ?, ?)', [
          'inside',
          PHONE,
          t - 600_000,
          'outside',
          PHONE,
          t - 901_000,
        ]);
        await pruneExpired(tight.db, tight.clock, tight.config);
        expect(await count(tight.db, 'otp_codes', 'id = ?', ['counted'])).toBe(1);
        expect(await count(tight.db, 'otp_codes')).toBe(1);
        expect((await tight.db.all<{ id: string }>('SELECT id FROM login_failures')).map((r) => r.id)).toEqual(['inside']);
      } finally {
        await tight.close();
      }
    });

    it('refreshTokens_rotatedOnesStayWhileTheyCanProveAReuse_deadFamiliesGo', async () => {
      const signedUp = await h.register(PHONE);
      const refresh = (refreshToken: string) => h.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
      const first = signedUp.refreshToken as string;
      const second = (await refresh(first)).body.refreshToken as string;
      // a second device whose session is later revoked
      const other = await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE, password: 'SecurePass123', deviceId: 'old-tablet' } });
      const otherToken = other.body.refreshToken as string;
      expect((await h.request('POST', '/v1/auth/logout', { token: other.body.accessToken })).status).toBe(200);
      h.clock.advance(5_000);
      const third = (await refresh(second)).body.refreshToken as string;

      // 5 s later both rotated tokens are inside the grace window
      expect(await prune()).toMatchObject({ refreshTokens: 0, sessions: 0 });
      expect((await refresh(second)).body.refreshToken).toBe(third);

      h.clock.advance(8 * DAY); // past the revoked session's window, inside the live tokens' lifetime
      const removed = await prune();
      expect(removed).toMatchObject({ sessions: 1, refreshTokens: 1 });
      expect(await count(h.db, 'sessions')).toBe(1);
      expect(await count(h.db, 'refresh_tokens')).toBe(3);
      expect((await refresh(otherToken)).body.error).toBe('INVALID_TOKEN');
      // the live family keeps every rotated token: replaying the first one still revokes it
      const replay = await refresh(first);
      expect(replay.body.error).toBe('TOKEN_REUSED');
      expect((await refresh(third)).status).toBe(401);
    });

    it('refreshTokens_pastTheirLifetimeAndTheWindow_go', async () => {
      const signedUp = await h.register(PHONE);
      await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: signedUp.refreshToken } });
      h.clock.advance(30 * DAY + 6 * DAY);
      expect(await prune()).toMatchObject({ refreshTokens: 0 });
      h.clock.advance(2 * DAY);
      expect(await prune()).toMatchObject({ refreshTokens: 2 });
      expect(await count(h.db, 'refresh_tokens')).toBe(0);
    });
  });
}
