// deleteAccount needs a fresh proof of identity, not just an access token (a stolen or
// left-behind token must not be able to destroy the account).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';
const OTHER = '+14155552672';
const PASSWORD = 'SecurePass123';

for (const dialect of DIALECTS) {
  describe(`deleteAccount re-authentication [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    const remove = (token: string, body?: unknown) => h.request('DELETE', '/v1/user/account', { token, ...(body === undefined ? {} : { body }) });
    const users = (phone = PHONE) => count(h.db, 'users', 'phone_number = ?', [phone]);
    const verificationToken = (phone: string) => h.verificationToken(phone);

    // Attack: the access token alone used to delete the account.
    it('deleteAccount_accessTokenOnly_is4xxAndTheAccountStays', async () => {
      const { accessToken } = await h.register(PHONE);
      const bare = await remove(accessToken);
      expect(bare.status).toBe(415);
      expect(bare.body).toMatchObject({ success: false, error: 'UNSUPPORTED_MEDIA_TYPE' });
      const empty = await remove(accessToken, {});
      expect(empty.status).toBe(400);
      expect(empty.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR', details: [{ path: '/body/currentPassword' }] });
      expect(await users()).toBe(1);
      expect((await h.request('GET', '/v1/user/profile', { token: accessToken })).status).toBe(200);
    });

    it('deleteAccount_wrongPassword_is401AndGuessingIsLockedOutLikeSignIn', async () => {
      const { accessToken } = await h.register(PHONE);
      const wrong = await remove(accessToken, { currentPassword: 'WrongPass123' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ success: false, error: 'INVALID_CREDENTIALS' });
      for (let i = 0; i < 4; i++) expect((await remove(accessToken, { currentPassword: `WrongPass${i}` })).status).toBe(401);
      const locked = await remove(accessToken, { currentPassword: PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.body.error).toBe('RATE_LIMIT_EXCEEDED');
      expect(await users()).toBe(1);
    });

    it('deleteAccount_rightPassword_deletesTheAccount', async () => {
      const { accessToken } = await h.register(PHONE);
      const res = await remove(accessToken, { currentPassword: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, message: 'Account deleted' });
      expect(await users()).toBe(0);
    });

    it('deleteAccount_passwordlessAccount_needsAFreshVerificationTokenOfItsOwnNumber', async () => {
      const { sessionId, code } = await h.sendOtp(PHONE);
      const signedIn = await h.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: PHONE, otp: code, sessionId, deviceId: 'otp-device' } });
      const token = signedIn.body.accessToken as string;
      const password = await remove(token, { currentPassword: PASSWORD });
      expect(password.status).toBe(400);
      expect(password.body.error).toBe('VALIDATION_ERROR');
      const foreign = await remove(token, { verificationToken: await verificationToken(OTHER) });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toBe('INVALID_VERIFICATION_TOKEN');
      const stale = await verificationToken(PHONE);
      h.clock.advance(601_000);
      expect((await remove(token, { verificationToken: stale })).body.error).toBe('INVALID_VERIFICATION_TOKEN');
      expect(await users()).toBe(1);

      const own = await verificationToken(PHONE);
      expect((await remove(token, { verificationToken: own })).status).toBe(200);
      expect(await users()).toBe(0);
      expect(await count(h.db, 'verification_tokens', 'used_at IS NOT NULL')).toBe(1);
    });

    it('deleteAccount_unknownField_is400AndTheAccountStays', async () => {
      const { accessToken } = await h.register(PHONE);
      const res = await remove(accessToken, { currentPassword: PASSWORD, force: true });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
      expect(await users()).toBe(1);
    });
  });
}
