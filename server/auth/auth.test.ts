import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { testOutbox } from '../sms/sms.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';

for (const dialect of DIALECTS) {
  describe(`registration and sign-in [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    async function verificationToken(phoneNumber = PHONE): Promise<string> {
      return h.verificationToken(phoneNumber);
    }
    const login = (password: string, phoneNumber = PHONE) => h.request('POST', '/v1/auth/login', { body: { phoneNumber, password, deviceId: 'laptop-0001' } });

    it('register_verifiedNumber_createsAccountAndSignsIn', async () => {
      const body = await h.register(PHONE);
      expect(body).toMatchObject({ success: true, tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000, needsProfile: true });
      expect(body.user).toMatchObject({ phoneNumber: PHONE, role: 'user', subscription: { plan: 'free', usedData: 0 } });
      expect(body.user.devices).toHaveLength(1);
      const stored = await h.db.one<{ password_hash: string }>('SELECT password_hash FROM users WHERE phone_number = ?', [PHONE]);
      expect(stored!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(stored!.password_hash).not.toContain('SecurePass123');
      const profile = await h.request('GET', '/v1/user/profile', { token: body.accessToken });
      expect(profile.status).toBe(200);
      expect(profile.body.user.id).toBe(body.user.id);
    });

    it('register_weakPassword_isRefusedAndTokenStaysUsable', async () => {
      const token = await verificationToken();
      for (const password of ['alllowercase1', 'ALLUPPERCASE1', 'NoDigitsHere']) {
        const res = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password, verificationToken: token } });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('WEAK_PASSWORD');
      }
      const short = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'Ab1', verificationToken: token } });
      expect(short.status).toBe(400);
      expect(await count(h.db, 'users')).toBe(0);
      const ok = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } });
      expect(ok.status).toBe(201);
    });

    it('register_tokenUsedTwice_isRefused', async () => {
      const token = await verificationToken();
      expect((await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } })).status).toBe(
        201,
      );
      const again = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } });
      expect(again.status).toBe(400);
      expect(again.body.error).toBe('INVALID_VERIFICATION_TOKEN');
      expect(await count(h.db, 'users')).toBe(1);
    });

    it('register_tokenForAnotherNumber_isRefused', async () => {
      const token = await verificationToken('+14155552672');
      const res = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_VERIFICATION_TOKEN');
      expect(await count(h.db, 'users')).toBe(0);
    });

    it('register_existingAccount_is409AccountExists', async () => {
      await h.register(PHONE);
      const token = await verificationToken();
      const res = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('ACCOUNT_EXISTS');
      expect(await count(h.db, 'users')).toBe(1);
    });

    it('register_expiredVerificationToken_isRefused', async () => {
      const token = await verificationToken();
      h.clock.advance(601_000);
      const res = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: PHONE, password: 'GoodPass123', verificationToken: token } });
      expect(res.body.error).toBe('INVALID_VERIFICATION_TOKEN');
    });

    it('login_rightPassword_signsIn', async () => {
      await h.register(PHONE);
      const res = await login('SecurePass123');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, needsProfile: true, user: { phoneNumber: PHONE } });
      expect(await count(h.db, 'sessions')).toBe(2);
      expect(await count(h.db, 'devices')).toBe(2);
    });

    it('login_wrongPasswordAndUnknownNumber_getTheSameAnswer', async () => {
      await h.register(PHONE);
      const wrong = await login('WrongPass123');
      const unknown = await login('WrongPass123', '+14155552699');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toEqual({ success: false, error: 'INVALID_CREDENTIALS', message: 'Invalid phone number or password' });
      expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    });

    it('login_sixthFailureIn15Minutes_is429UntilTheWindowPasses', async () => {
      await h.register(PHONE);
      for (let i = 0; i < 5; i++) expect((await login('WrongPass123')).status).toBe(401);
      const sixth = await login('SecurePass123');
      expect(sixth.status).toBe(429);
      expect(sixth.body.error).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(900);
      h.clock.advance(900_001);
      expect((await login('SecurePass123')).status).toBe(200);
    });

    it('login_twentyConcurrentWrongPasswords_exactlyFiveAreTried', async () => {
      await h.register(PHONE);
      const results = await Promise.all(Array.from({ length: 20 }, () => login('WrongPass123')));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
      expect(await count(h.db, 'login_failures')).toBe(5);
      expect((await login('SecurePass123')).status).toBe(429);
    });

    it('login_lockoutAppliesToUnknownNumbersToo', async () => {
      for (let i = 0; i < 5; i++) await login('WrongPass123', '+14155552699');
      expect((await login('WrongPass123', '+14155552699')).status).toBe(429);
    });

    it('signInWithOtp_firstTime_createsAccountNeedingProfile', async () => {
      const { sessionId, code } = await h.sendOtp(PHONE);
      const res = await h.request('POST', '/v1/auth/otp/login', {
        body: {
          phoneNumber: PHONE,
          otp: code,
          sessionId,
          deviceId: 'android-installation-id-123',
          deviceInfo: { platform: 'android', model: 'Pixel 8', osVersion: 'Android 14', appVersion: '1.0.0', languageCode: 'en-IN', timezone: 'Asia/Kolkata' },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ needsProfile: true, user: { phoneNumber: PHONE, name: null, userType: null } });
      expect(res.body.user.devices[0]).toMatchObject({ deviceId: 'android-installation-id-123', model: 'Pixel 8', current: true });
      const user = await h.db.one<{ password_hash: string | null }>('SELECT password_hash FROM users');
      expect(user!.password_hash).toBeNull();
    });

    it('signInWithOtp_afterProfileCompleted_needsProfileIsFalse', async () => {
      const first = await h.register(PHONE);
      await h.request('PATCH', '/v1/user/profile', { token: first.accessToken, body: { name: 'Amina Yusuf', userType: 'seller' } });
      const { sessionId, code } = await h.sendOtp(PHONE);
      const res = await h.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: PHONE, otp: code, sessionId, deviceId: 'test-device-1' } });
      expect(res.status).toBe(200);
      expect(res.body.needsProfile).toBe(false);
      expect(res.body.user.id).toBe(first.user.id);
      // the first sign-in of test-device-1 is still live: the second gets an entry of its own
      expect(await count(h.db, 'devices')).toBe(2);
    });

    it('signInWithOtp_wrongSessionId_isRefused', async () => {
      await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } });
      const res = await h.request('POST', '/v1/auth/otp/login', {
        body: { phoneNumber: PHONE, otp: h.lastCode(PHONE), sessionId: 'otp_AAAAAAAAAAAAAAAAAAAA', deviceId: 'dev-0001' },
      });
      expect(res.status).toBe(400);
      expect(await count(h.db, 'users')).toBe(0);
    });

    it('testBypass_returnsThePendingCodeThatCompletesTheRealFlow', async () => {
      const res = await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: PHONE, testMode: true } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, accountExists: false, testOtp: h.lastCode(PHONE) });
      expect(res.body.accessToken).toBeUndefined();
      const verified = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, otp: res.body.testOtp, sessionId: res.body.sessionId } });
      expect(verified.status).toBe(200);
    });

    it('testBypass_existingAccount_alsoSignsIn', async () => {
      await h.register(PHONE);
      const res = await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: PHONE, testMode: true } });
      expect(res.body.accountExists).toBe(true);
      expect((await h.request('GET', '/v1/user/profile', { token: res.body.accessToken })).status).toBe(200);
    });

    it('testBypass_pendingCodeThisOutboxNeverSaw_failsInsteadOfInventingOne', async () => {
      // another instance sent the pending code: this one's outbox holds no message for the number
      const outbox = testOutbox();
      await h.close();
      h = await startHarness(dialect, {}, { sms: { ...outbox, send: async () => {} } });
      expect((await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).status).toBe(200);
      const res = await h.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: PHONE, testMode: true } });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ success: false, error: 'SERVER_ERROR' });
    });
  });
}
