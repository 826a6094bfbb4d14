// Shaped after supabase/auth TestRefreshTokenReuseRevocation: rotation happens exactly once,
// a replay inside the grace window gets the same successor, a later replay revokes the family.
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { sha256 } from './secrets.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';

for (const dialect of DIALECTS) {
  describe(`refresh tokens and sessions [${dialect}]`, () => {
    let h: Harness;
    afterEach(async () => h?.close());
    const refresh = (refreshToken: string) => h.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
    const profile = (token: string) => h.request('GET', '/v1/user/profile', { token });

    it('refresh_validToken_rotatesAndStoresOnlyHashes', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      const res = await refresh(signedIn.refreshToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000 });
      expect(res.body.refreshToken).not.toBe(signedIn.refreshToken);
      expect((await profile(res.body.accessToken)).status).toBe(200);
      const find = (token: string) =>
        h.db.one<{ rotated_at: number | null; parent_hash: string | null }>('SELECT rotated_at, parent_hash FROM refresh_tokens WHERE token_hash = ?', [
          sha256(token),
        ]);
      expect(await count(h.db, 'refresh_tokens')).toBe(2);
      expect((await find(signedIn.refreshToken))!.rotated_at).not.toBeNull();
      expect((await find(res.body.refreshToken))!.parent_hash).toBe(sha256(signedIn.refreshToken));
    });

    it('refresh_replayWithinGraceWindow_returnsTheSameSuccessor', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      const first = await refresh(signedIn.refreshToken);
      h.clock.advance(9_000);
      const replay = await refresh(signedIn.refreshToken);
      expect(replay.status).toBe(200);
      expect(replay.body.refreshToken).toBe(first.body.refreshToken);
      expect(await count(h.db, 'refresh_tokens')).toBe(2);
      expect((await refresh(first.body.refreshToken)).status).toBe(200);
    });

    it('refresh_replayAfterGraceWindow_revokesTheWholeFamily', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      const first = await refresh(signedIn.refreshToken);
      h.clock.advance(10_001);
      const replay = await refresh(signedIn.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.body.error).toBe('TOKEN_REUSED');
      expect((await refresh(first.body.refreshToken)).body.error).toBe('INVALID_TOKEN');
      expect((await profile(first.body.accessToken)).status).toBe(401);
      expect((await profile(signedIn.accessToken)).status).toBe(401);
      expect(await count(h.db, 'sessions', 'revoked_reason = ?', ['refresh_token_reuse'])).toBe(1);
      expect(await count(h.db, 'refresh_tokens', 'revoked_at IS NULL')).toBe(0);
    });

    it('refresh_reuseInOneSession_leavesOtherSessionsAlone', async () => {
      h = await startHarness(dialect);
      const a = await h.register(PHONE);
      const b = (await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE, password: 'SecurePass123', deviceId: 'tablet-0001' } })).body;
      await refresh(a.refreshToken);
      h.clock.advance(60_000);
      expect((await refresh(a.refreshToken)).body.error).toBe('TOKEN_REUSED');
      expect((await profile(b.accessToken)).status).toBe(200);
      expect((await refresh(b.refreshToken)).status).toBe(200);
    });

    it('refresh_fiftyConcurrentUsesOfOneToken_rotateExactlyOnce', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      const results = await Promise.all(Array.from({ length: 50 }, () => refresh(signedIn.refreshToken)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
      expect(await count(h.db, 'refresh_tokens')).toBe(2);
      expect(await count(h.db, 'refresh_tokens', 'rotated_at IS NOT NULL')).toBe(1);
    });

    it('refresh_fiftyConcurrentUsesWithGraceOff_exactlyOneSucceeds', async () => {
      h = await startHarness(dialect, { REFRESH_GRACE_SECONDS: '0' });
      const signedIn = await h.register(PHONE);
      const results = await Promise.all(Array.from({ length: 50 }, () => refresh(signedIn.refreshToken)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401).every((r) => ['TOKEN_REUSED', 'INVALID_TOKEN'].includes(r.body.error))).toBe(true);
      expect(await count(h.db, 'refresh_tokens', 'rotated_at IS NOT NULL')).toBe(1);
    });

    it('refresh_unknownOrExpiredToken_isRefused', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      const unknown = await refresh(`rt_${'A'.repeat(43)}`);
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('INVALID_TOKEN');
      expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');
      h.clock.advance(2_592_000_001);
      const expired = await refresh(signedIn.refreshToken);
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('TOKEN_EXPIRED');
    });

    it('logout_killsTheAccessTokenAtOnceAndTheRefreshToken', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      expect((await profile(signedIn.accessToken)).status).toBe(200);
      const out = await h.request('POST', '/v1/auth/logout', { token: signedIn.accessToken });
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ success: true, message: 'Logged out successfully' });
      const after = await profile(signedIn.accessToken);
      expect(after.status).toBe(401);
      expect(after.body.error).toBe('INVALID_TOKEN');
      expect((await refresh(signedIn.refreshToken)).status).toBe(401);
      expect(await count(h.db, 'sessions', 'revoked_reason = ?', ['logout'])).toBe(1);
    });

    it('accessToken_expiresAfterOneHour', async () => {
      h = await startHarness(dialect);
      const signedIn = await h.register(PHONE);
      h.clock.advance(3_599_000);
      expect((await profile(signedIn.accessToken)).status).toBe(200);
      h.clock.advance(2_000);
      const res = await profile(signedIn.accessToken);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('TOKEN_EXPIRED');
    });
  });
}
