import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';
const json = { 'content-type': 'application/json' };

for (const dialect of DIALECTS) {
  describe(`strings and timestamps the database cannot hold [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    it('signInWithOtp_nulInDeviceName_is400AndTheCodeStaysUsable', async () => {
      const { sessionId } = (await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).body;
      const otp = h.lastCode(PHONE);
      const bad = await h.request('POST', '/v1/auth/otp/login', {
        body: { phoneNumber: PHONE, otp, sessionId, deviceId: 'device-1', deviceInfo: { platform: 'ios', name: 'My\u0000phone' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR', details: [{ path: '/body/deviceInfo/name' }] });
      expect(await count(h.db, 'users')).toBe(0);
      const retry = await h.request('POST', '/v1/auth/otp/login', {
        body: { phoneNumber: PHONE, otp, sessionId, deviceId: 'device-1', deviceInfo: { platform: 'ios', name: 'My phone' } },
      });
      expect(retry.status).toBe(200);
    });

    it('anyBody_loneSurrogateEscape_is400NamingTheField', async () => {
      const raw = `{"phoneNumber":"${PHONE}","otp":"123456","deviceId":"device-1","deviceInfo":{"platform":"ios","name":"a\\ud800b"}}`;
      const res = await h.request('POST', '/v1/auth/otp/login', { raw, headers: json });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'VALIDATION_ERROR', details: [{ path: '/body/deviceInfo/name' }] });
    });

    it('anyBody_invalidUtf8Bytes_are400NotReplacementCharacters', async () => {
      const { accessToken } = await h.register(PHONE);
      for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
        const body = Buffer.concat([Buffer.from('{"name":"Ali'), Buffer.from(bytes), Buffer.from('"}')]);
        const res = await fetch(`${h.url}/v1/user/profile`, { method: 'PATCH', headers: { ...json, authorization: `Bearer ${accessToken}` }, body });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ success: false, error: 'VALIDATION_ERROR' });
      }
      const profile = await h.request('GET', '/v1/user/profile', { token: accessToken });
      expect(profile.body.user.name ?? null).toBeNull();
    });

    it('anyQuery_nulCharacter_is400', async () => {
      const { accessToken } = await h.register(PHONE);
      const res = await h.request('DELETE', '/v1/user/devices/dev%00ice', { token: accessToken });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'VALIDATION_ERROR' });
    });

    it('anyBody_nested50000Deep_is400Not500', async () => {
      const raw = `{"phoneNumber":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
      const res = await h.request('POST', '/v1/auth/otp/send', { raw, headers: json });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR' });
    });

    it('anyQueryOrPath_invalidUtf8PercentEscapes_are400', async () => {
      const { accessToken } = await h.register(PHONE);
      for (const [method, path] of [
        ['GET', '/v1/vpn/config?locationId=us-east-1%FF'],
        ['GET', '/v1/vpn/config?locationId=%ED%A0%80'],
        ['DELETE', '/v1/user/devices/dev%C3ice'],
        ['DELETE', '/v1/vpn/config/custom/%ED%A0%80'],
      ]) {
        const res = await h.request(method!, path!, { token: accessToken });
        expect(res.status, path).toBe(400);
        expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR' });
      }
    });

    it('reportStatus_leapSecond_isStoredAsTheLastMillisecondOfTheMinute', async () => {
      const { accessToken } = await h.register(PHONE);
      for (const [connectedAt, stored] of [
        ['2016-12-31T23:59:60Z', Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
        ['2017-01-01T08:59:60.5+09:00', Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
      ] as const) {
        const res = await h.request('POST', '/v1/vpn/status', { token: accessToken, body: { status: 'CONNECTED', connectedAt } });
        expect(res.status).toBe(200);
        const row = await h.db.one<{ connected_at: number | string }>('SELECT connected_at FROM vpn_sessions WHERE id = ?', [res.body.sessionId]);
        expect(Number(row?.connected_at)).toBe(stored);
      }
    });

    it('reportStatus_instantOutsideYears0000To9999_is400AndOpensNothing', async () => {
      const { accessToken } = await h.register(PHONE);
      for (const connectedAt of ['0000-01-01T00:00:00+01:00', '9999-12-31T23:30:00-01:00']) {
        const res = await h.request('POST', '/v1/vpn/status', { token: accessToken, body: { status: 'CONNECTED', connectedAt } });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'VALIDATION_ERROR', details: [{ path: '/body/connectedAt' }] });
      }
      expect(await count(h.db, 'vpn_sessions')).toBe(0);
    });
  });
}
