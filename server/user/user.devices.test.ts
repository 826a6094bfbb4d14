import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE_A = '+14155552671';
const PHONE_B = '+14155552672';
const PASSWORD = 'SecurePass123';
const OVPN = 'client\ndev tun\nremote vpn.example.net 1194\n';

interface Device {
  id: string;
  deviceId: string;
  platform: string | null;
  name: string | null;
  current: boolean;
}

for (const dialect of DIALECTS) {
  describe(`devices and account deletion [${dialect}]`, () => {
    let h: Harness;
    let first: { accessToken: string; refreshToken: string; user: { id: string } };
    let second: { accessToken: string; refreshToken: string };
    beforeEach(async () => {
      h = await startHarness(dialect);
      first = await h.register(PHONE_A);
      const signedIn = await h.request('POST', '/v1/auth/login', {
        body: { phoneNumber: PHONE_A, password: PASSWORD, deviceId: 'second-device', deviceInfo: { platform: 'ios', name: 'iPad', osVersion: 'iPadOS 18' } },
      });
      expect(signedIn.status).toBe(200);
      second = signedIn.body;
    });
    afterEach(async () => h.close());

    const devices = async (token: string) => {
      const res = await h.request('GET', '/v1/user/devices', { token });
      expect(res.status).toBe(200);
      return res.body.devices as Device[];
    };
    const revoke = (token: string, id: string) => h.request('DELETE', `/v1/user/devices/${id}`, { token });
    const byClientId = async (token: string, deviceId: string) => (await devices(token)).find((d) => d.deviceId === deviceId)!;
    const profileStatus = async (token: string) => (await h.request('GET', '/v1/user/profile', { token })).status;
    const login = async (device: { deviceId?: string; deviceInfo?: object }) => {
      const res = await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE_A, password: PASSWORD, ...device } });
      expect(res.status).toBe(200);
      return res.body as { accessToken: string; refreshToken: string };
    };

    it('listDevices_twoSignIns_listsBothWithTheCallerCurrent', async () => {
      const list = await devices(first.accessToken);
      expect(list).toHaveLength(2);
      expect(list.map((d) => [d.deviceId, d.platform, d.name, d.current]).sort()).toEqual([
        ['second-device', 'ios', 'iPad', false],
        ['test-device-1', 'android', 'Test phone', true],
      ]);
      expect((await devices(second.accessToken)).find((d) => d.current)?.deviceId).toBe('second-device');
      expect(await count(h.db, 'devices', 'user_id = ?', [first.user.id])).toBe(2);
    });

    it('getProfile_devices_areTheDeviceListInItsOrderWithTheCallerCurrent', async () => {
      h.clock.advance(1_000);
      await login({ deviceId: 'third-device', deviceInfo: { platform: 'web' } });
      // the other user's devices never join this account's list
      await h.register(PHONE_B);
      for (const token of [first.accessToken, second.accessToken]) {
        const profile = await h.request('GET', '/v1/user/profile', { token });
        expect(profile.status).toBe(200);
        expect(profile.body.user.devices).toEqual(await devices(token));
        expect((profile.body.user.devices as Device[]).map((d) => d.deviceId)[0]).toBe('third-device');
        expect(profile.body.user).toMatchObject({ id: first.user.id, phoneNumber: PHONE_A });
      }
    });

    it('listDevices_sameDeviceSignsInAgainAfterLogout_isListedOnce', async () => {
      expect((await h.request('POST', '/v1/auth/logout', { token: second.accessToken })).status).toBe(200);
      const again = await login({ deviceId: 'second-device', deviceInfo: { platform: 'ios', name: 'iPad Pro' } });
      const list = await devices(first.accessToken);
      expect(list).toHaveLength(2);
      expect(list.find((d) => d.deviceId === 'second-device')).toMatchObject({ name: 'iPad Pro' });
      expect((await devices(again.accessToken)).find((d) => d.current)?.deviceId).toBe('second-device');
    });

    // Attack: a sign-in without deviceId owned no device row, so it was never listed and no
    // revokeDevice could reach it.
    it('signIn_withoutDeviceId_isListedAndDiesWithItsEntry', async () => {
      const hidden = await login({});
      const list = await devices(first.accessToken);
      expect(list).toHaveLength(3);
      const own = list.find((d) => !['test-device-1', 'second-device'].includes(d.deviceId))!;
      expect(own).toMatchObject({ deviceId: own.id, name: null, current: false });
      expect((await devices(hidden.accessToken)).find((d) => d.current)?.id).toBe(own.id);
      // the caller's own entry last: revoking it signs the caller out
      for (const d of [...list].sort((a, b) => Number(a.current) - Number(b.current))) expect((await revoke(first.accessToken, d.id)).status).toBe(200);
      for (const token of [first.accessToken, second.accessToken, hidden.accessToken]) expect(await profileStatus(token)).toBe(401);
      expect((await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: hidden.refreshToken } })).status).toBe(401);
      expect(await count(h.db, 'sessions', 'user_id = ? AND revoked_at IS NULL', [first.user.id])).toBe(0);
    });

    // Attack: a sign-in that reused a live device's deviceId merged into that entry and renamed
    // it, so the intruder's session hid behind the owner's iPad.
    it('signIn_reusingALiveDevicesId_getsItsOwnEntryAndRenamesNothing', async () => {
      const intruder = await login({ deviceId: 'second-device', deviceInfo: { platform: 'android', name: 'Evil' } });
      const list = await devices(first.accessToken);
      expect(list).toHaveLength(3);
      const twins = list.filter((d) => d.deviceId === 'second-device');
      expect(twins.map((d) => [d.name, d.platform]).sort()).toEqual([
        ['Evil', 'android'],
        ['iPad', 'ios'],
      ]);
      const evil = twins.find((d) => d.name === 'Evil')!;
      expect((await devices(intruder.accessToken)).find((d) => d.current)?.id).toBe(evil.id);
      expect((await revoke(first.accessToken, evil.id)).status).toBe(200);
      expect(await profileStatus(intruder.accessToken)).toBe(401);
      expect(await profileStatus(second.accessToken)).toBe(200);
      expect((await devices(first.accessToken)).find((d) => d.deviceId === 'second-device')).toMatchObject({ name: 'iPad', platform: 'ios' });
    });

    it('revokeDevice_otherDevice_killsItsSessionsAtOnceAndRemovesIt', async () => {
      const target = await byClientId(first.accessToken, 'second-device');
      const res = await revoke(first.accessToken, target.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true });

      const dead = await h.request('GET', '/v1/user/profile', { token: second.accessToken });
      expect(dead.status).toBe(401);
      expect(dead.body.error).toBe('INVALID_TOKEN');
      expect((await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401);
      expect((await devices(first.accessToken)).map((d) => d.deviceId)).toEqual(['test-device-1']);
      expect(await count(h.db, 'devices', 'id = ?', [target.id])).toBe(0);
      expect(await count(h.db, 'sessions', 'user_id = ? AND revoked_at IS NULL', [first.user.id])).toBe(1);
      expect(await profileStatus(first.accessToken)).toBe(200);
    });

    it('revokeDevice_currentDevice_signsTheCallerOut', async () => {
      const own = await byClientId(first.accessToken, 'test-device-1');
      expect((await revoke(first.accessToken, own.id)).status).toBe(200);
      expect(await profileStatus(first.accessToken)).toBe(401);
      expect(await profileStatus(second.accessToken)).toBe(200);
    });

    it('revokeDevice_otherUsersDevice_is404AndTheDeviceStays', async () => {
      const b = await h.register(PHONE_B, { deviceId: 'device-of-b' });
      const target = await byClientId(first.accessToken, 'second-device');
      const res = await revoke(b.accessToken, target.id);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
      expect(await count(h.db, 'devices', 'id = ?', [target.id])).toBe(1);
      expect(await profileStatus(second.accessToken)).toBe(200);
    });

    it('revokeDevice_unknownOrMalformedId_is404Or400', async () => {
      expect((await revoke(first.accessToken, 'dev_AAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
      const malformed = await revoke(first.accessToken, 'second-device');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('VALIDATION_ERROR');
      expect(await count(h.db, 'devices')).toBe(2);
    });

    it('deleteAccount_everythingOfTheUserGoesAndTheNumberCanRegisterAgain', async () => {
      const a = first.accessToken;
      const b = await h.register(PHONE_B, { deviceId: 'device-of-b' });
      for (const token of [a, b.accessToken]) {
        expect((await h.request('POST', '/v1/vpn/config/custom', { token, body: { name: 'Mine', ovpnContent: OVPN } })).status).toBe(201);
        const sessionId = (await h.request('POST', '/v1/vpn/status', { token, body: { status: 'CONNECTED' } })).body.sessionId;
        expect((await h.request('POST', '/v1/vpn/stats', { token, body: { sessionId, bytesIn: 10, bytesOut: 10, duration: 1 } })).status).toBe(200);
      }

      const res = await h.request('DELETE', '/v1/user/account', { token: a, body: { currentPassword: PASSWORD } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true });

      for (const token of [a, second.accessToken]) {
        const dead = await h.request('GET', '/v1/user/profile', { token });
        expect(dead.status).toBe(401);
        expect(dead.body.error).toBe('INVALID_TOKEN');
      }
      expect((await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
      const userId = first.user.id;
      for (const table of ['users', 'devices', 'sessions', 'refresh_tokens', 'custom_configs', 'vpn_sessions']) {
        const where = table === 'users' ? 'id = ?' : 'user_id = ?';
        expect(await count(h.db, table, where, [userId]), table).toBe(0);
      }
      // The other account is untouched.
      for (const table of ['devices', 'sessions', 'custom_configs', 'vpn_sessions']) {
        expect(await count(h.db, table, 'user_id = ?', [b.user.id]), table).toBe(1);
      }
      expect(await profileStatus(b.accessToken)).toBe(200);

      const again = await h.register(PHONE_A);
      expect(again.user.id).not.toBe(userId);
      expect(again.user.subscription.usedData).toBe(0);
      expect(again.user.devices).toHaveLength(1);
    });
  });
}
