import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';
const PASSWORD = 'SecurePass123';
const NEW_PASSWORD = 'EvenBetterPass456';

interface UserRow {
  id: string;
  phone_number: string;
  name: string | null;
  user_type: string | null;
  email: string | null;
  role: string;
  plan: string;
  data_quota: number;
  preferences: string;
  password_hash: string;
}

for (const dialect of DIALECTS) {
  describe(`profile and password [${dialect}]`, () => {
    let h: Harness;
    let signedUp: { accessToken: string; refreshToken: string; user: { id: string }; needsProfile: boolean };
    beforeEach(async () => {
      h = await startHarness(dialect);
      signedUp = await h.register(PHONE);
    });
    afterEach(async () => h.close());

    const stored = async () => (await h.db.one<UserRow>('SELECT * FROM users WHERE id = ?', [signedUp.user.id]))!;
    const patch = (body: unknown, token = signedUp.accessToken) => h.request('PATCH', '/v1/user/profile', { token, body });
    const login = (password: string, deviceId = 'test-device-1') =>
      h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE, password, deviceId, deviceInfo: { platform: 'ios', name: 'Second phone' } } });
    const profile = (token: string) => h.request('GET', '/v1/user/profile', { token });
    const refresh = (refreshToken: string) => h.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
    const change = (body: unknown, token = signedUp.accessToken) => h.request('POST', '/v1/user/password', { token, body });

    it('getProfile_newAccount_hasTheFullShape', async () => {
      const res = await profile(signedUp.accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        user: {
          id: expect.stringMatching(/^usr_[A-Za-z0-9]{20}$/),
          phoneNumber: PHONE,
          name: null,
          userType: null,
          email: null,
          role: 'user',
          preferences: {},
          subscription: { plan: 'free', expiresAt: null, dataQuota: 10_737_418_240, usedData: 0 },
          devices: [
            expect.objectContaining({ id: expect.stringMatching(/^dev_/), deviceId: 'test-device-1', name: 'Test phone', platform: 'android', current: true }),
          ],
          createdAt: new Date(h.clock.now()).toISOString(),
        },
      });
      expect(signedUp.needsProfile).toBe(true);
    });

    it('getProfile_secondDevice_marksOnlyThatDeviceCurrent', async () => {
      const second = await login(PASSWORD, 'second-device');
      expect(second.status).toBe(200);
      const devices = (await profile(second.body.accessToken)).body.user.devices as { deviceId: string; current: boolean }[];
      expect(devices.map((d) => [d.deviceId, d.current]).sort()).toEqual([
        ['second-device', true],
        ['test-device-1', false],
      ]);
    });

    it('getProfile_afterTraffic_reportsUsedData', async () => {
      const sessionId = (await h.request('POST', '/v1/vpn/status', { token: signedUp.accessToken, body: { status: 'CONNECTED' } })).body.sessionId;
      await h.request('POST', '/v1/vpn/stats', { token: signedUp.accessToken, body: { sessionId, bytesIn: 700, bytesOut: 300, duration: 10 } });
      expect((await profile(signedUp.accessToken)).body.user.subscription.usedData).toBe(1000);
    });

    it('updateProfile_allFields_areStoredAndCompleteTheProfile', async () => {
      const res = await patch({ name: 'Amina Yusuf', userType: 'buyer', email: 'Amina@Example.com', preferences: { autoConnect: true } });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({
        name: 'Amina Yusuf',
        userType: 'buyer',
        email: 'amina@example.com',
        preferences: { autoConnect: true },
        role: 'user',
      });
      expect(await stored()).toMatchObject({ name: 'Amina Yusuf', user_type: 'buyer', email: 'amina@example.com' });
      const again = await login(PASSWORD);
      expect(again.status).toBe(200);
      expect(again.body.needsProfile).toBe(false);
    });

    it('updateProfile_partialPatches_changeOnlyWhatIsSent', async () => {
      await patch({ name: 'Amina', userType: 'seller', preferences: { autoConnect: true } });
      const res = await patch({ preferences: { killSwitch: true } });
      expect(res.body.user).toMatchObject({ name: 'Amina', userType: 'seller', preferences: { autoConnect: true, killSwitch: true } });
      const cleared = await patch({ clear: ['name'] });
      expect(cleared.status).toBe(200);
      expect(cleared.body.user).toMatchObject({ name: null, userType: 'seller' });
      expect(await stored()).toMatchObject({ name: null, user_type: 'seller' });
      expect((await login(PASSWORD)).body.needsProfile).toBe(true);
    });

    it('updateProfile_clearEmail_storesNull', async () => {
      await patch({ email: 'amina@example.com' });
      const res = await patch({ clear: ['email'] });
      expect(res.status).toBe(200);
      expect(res.body.user.email).toBeNull();
      expect(await stored()).toMatchObject({ email: null });
    });

    it('updateProfile_null_isRefusedAndChangesNothing', async () => {
      await patch({ email: 'amina@example.com' });
      const res = await patch({ email: null });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
      expect(await stored()).toMatchObject({ email: 'amina@example.com' });
    });

    it('updateProfile_fieldSentAndCleared_takesTheSentValue', async () => {
      const res = await patch({ email: 'b@example.com', clear: ['email', 'name'] });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email: 'b@example.com', name: null });
    });

    const serverOwned: Record<string, unknown> = {
      role: 'admin',
      subscription: { plan: 'premium', expiresAt: null, dataQuota: 1e15, usedData: 0 },
      usedData: 0,
      dataQuota: 1e15,
      id: 'usr_AAAAAAAAAAAAAAAAAAAA',
      phoneNumber: '+14155552699',
    };
    for (const [field, value] of Object.entries(serverOwned)) {
      it(`updateProfile_massAssignment_${field}_is400AndTheRowIsUnchanged`, async () => {
        const before = await stored();
        const res = await patch({ name: 'Mallory', [field]: value });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR' });
        expect(JSON.stringify(res.body.details)).toContain(field);
        expect(await stored()).toEqual(before);
        expect((await stored()).role).toBe('user');
      });
    }

    it('updateProfile_emptyPatch_is400', async () => {
      const res = await patch({});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
    });

    it('updateProfile_invalidValues_are400AndNothingChanges', async () => {
      const before = await stored();
      for (const body of [{ userType: 'admin' }, { email: 'not-an-email' }, { name: '  padded  ' }, { preferences: { theme: 'dark' } }]) {
        const res = await patch(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error).toBe('VALIDATION_ERROR');
      }
      expect(await stored()).toEqual(before);
    });

    it('changePassword_wrongCurrentPassword_is401AndKeepsEverything', async () => {
      const before = await stored();
      const res = await change({ currentPassword: 'WrongPass999', newPassword: NEW_PASSWORD });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: 'INVALID_CREDENTIALS' });
      expect((await stored()).password_hash).toBe(before.password_hash);
      expect((await profile(signedUp.accessToken)).status).toBe(200);
    });

    it('changePassword_weakNewPassword_is400WeakPassword', async () => {
      const before = await stored();
      for (const weak of ['alllowercase1', 'ALLUPPERCASE1', 'NoDigitsHere']) {
        const res = await change({ currentPassword: PASSWORD, newPassword: weak });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('WEAK_PASSWORD');
      }
      expect((await stored()).password_hash).toBe(before.password_hash);
    });

    it('changePassword_withoutCurrentPassword_is400', async () => {
      const res = await change({ newPassword: NEW_PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
    });

    it('changePassword_success_revokesEverySessionAndReturnsWorkingTokens', async () => {
      const other = (await login(PASSWORD, 'second-device')).body;
      const res = await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, tokenType: 'Bearer', accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/) });
      expect(res.body.user.devices.find((d: { current: boolean }) => d.current)?.deviceId).toBe('test-device-1');

      for (const token of [signedUp.accessToken, other.accessToken]) {
        const old = await profile(token);
        expect(old.status).toBe(401);
        expect(old.body.error).toBe('INVALID_TOKEN');
      }
      for (const token of [signedUp.refreshToken, other.refreshToken]) expect((await refresh(token)).status).toBe(401);
      expect(await count(h.db, 'sessions', 'user_id = ? AND revoked_at IS NULL', [signedUp.user.id])).toBe(1);

      expect((await profile(res.body.accessToken)).status).toBe(200);
      expect((await refresh(res.body.refreshToken)).status).toBe(200);
      expect((await login(NEW_PASSWORD)).status).toBe(200);
      const withOld = await login(PASSWORD);
      expect(withOld.status).toBe(401);
      expect(withOld.body.error).toBe('INVALID_CREDENTIALS');
    });

    it('changePassword_guessingTheCurrentPassword_isLockedOutLikeSignIn', async () => {
      const passwordHashBefore = (await stored()).password_hash;
      for (let i = 0; i < 5; i++) {
        const wrong = await change({ currentPassword: 'WrongGuess123', newPassword: NEW_PASSWORD });
        expect(wrong.status).toBe(401);
        expect(wrong.body.error).toBe('INVALID_CREDENTIALS');
      }
      const sixth = await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await stored()).password_hash).toBe(passwordHashBefore);
      h.clock.advance(900_001);
      expect((await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
    });
  });

  describe(`first password of a passwordless account [${dialect}]`, () => {
    const OTHER = '+14155552672';
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    const verificationToken = (phone: string) => h.verificationToken(phone);
    const otp = async (phone: string) => {
      const { sessionId, code } = await h.sendOtp(phone);
      return { otp: code, sessionId };
    };

    it('changePassword_passwordlessAccount_needsAVerificationTokenOfItsOwnNumber', async () => {
      const signedIn = await h.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: PHONE, ...(await otp(PHONE)), deviceId: 'otp-device' } });
      expect(signedIn.status).toBe(200);
      const token = signedIn.body.accessToken;
      const change = (body: unknown) => h.request('POST', '/v1/user/password', { token, body });

      const missing = await change({ newPassword: NEW_PASSWORD });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('VALIDATION_ERROR');
      const foreign = await change({ newPassword: NEW_PASSWORD, verificationToken: await verificationToken(OTHER) });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toBe('INVALID_VERIFICATION_TOKEN');
      expect((await h.db.one<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE phone_number = ?', [PHONE]))!.password_hash).toBeNull();

      const own = await verificationToken(PHONE);
      const set = await change({ newPassword: NEW_PASSWORD, verificationToken: own });
      expect(set.status).toBe(200);
      expect(await count(h.db, 'verification_tokens', 'used_at IS NOT NULL')).toBe(1);
      expect((await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE, password: NEW_PASSWORD } })).status).toBe(200);
      expect((await h.request('GET', '/v1/user/profile', { token })).status).toBe(401);
    });
  });
}
