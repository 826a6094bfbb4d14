import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJwt } from '../auth/jwt.ts';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE_A = '+14155552671';
const PHONE_B = '+14155552672';
const PROFILE = '/v1/user/profile';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string; iss: string; aud: string };

for (const dialect of DIALECTS) {
  describe(`bearer authentication [${dialect}]`, () => {
    let h: Harness;
    let token: string;
    beforeEach(async () => {
      h = await startHarness(dialect);
      token = (await h.register(PHONE_A)).accessToken;
    });
    afterEach(async () => h.close());

    const withAuth = (authorization: string) => h.request('GET', PROFILE, { headers: { authorization } });
    const expect401 = (res: { status: number; body: { error: string }; headers: Headers }, error: string) => {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="barqnet"/);
    };

    it('securedRoute_validToken_is200', async () => {
      expect((await h.request('GET', PROFILE, { token })).status).toBe(200);
    });

    it('securedRoute_noBearer_is401UnauthorizedWithChallenge', async () => {
      const res = await h.request('GET', PROFILE);
      expect401(res, 'UNAUTHORIZED');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="barqnet"');
    });

    it('securedRoute_garbageBearer_is401InvalidToken', async () => {
      for (const header of ['Bearer garbage', 'Bearer ', 'Basic dXNlcjpwYXNz', `bearer ${token}`, `Bearer ${token} extra`, 'Bearer a.b.c']) {
        const res = await withAuth(header);
        expect401(res, 'INVALID_TOKEN');
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="barqnet", error="invalid_token"');
      }
    });

    it('securedRoute_expiredAccessToken_is401TokenExpired', async () => {
      h.clock.advance(3_599_000);
      expect((await h.request('GET', PROFILE, { token })).status).toBe(200);
      h.clock.advance(2_000);
      expect401(await h.request('GET', PROFILE, { token }), 'TOKEN_EXPIRED');
    });

    it('securedRoute_tokenSignedWithAnotherSecret_is401', async () => {
      const { sub, sid } = claimsOf(token);
      const forged = createJwt({ secret: 'another-secret-another-secret-another-secret', issuer: h.config.jwt.issuer, audience: h.config.jwt.audience }).sign(
        { sub, sid },
        h.clock.now(),
        3600,
      );
      expect401(await h.request('GET', PROFILE, { token: forged }), 'INVALID_TOKEN');
    });

    it('securedRoute_rightSecretWrongAudienceOrIssuer_is401', async () => {
      const { sub, sid } = claimsOf(token);
      for (const [issuer, audience] of [
        [h.config.jwt.issuer, 'someone-else'],
        ['someone-else', h.config.jwt.audience],
      ]) {
        const other = createJwt({ secret: h.config.jwt.secret, issuer: issuer!, audience: audience! }).sign({ sub, sid }, h.clock.now(), 3600);
        expect401(await h.request('GET', PROFILE, { token: other }), 'INVALID_TOKEN');
      }
    });

    it('securedRoute_algNoneToken_is401', async () => {
      const payload = token.split('.')[1];
      for (const alg of ['none', 'None', 'HS512']) {
        expect401(await h.request('GET', PROFILE, { token: `${b64({ alg, typ: 'JWT' })}.${payload}.` }), 'INVALID_TOKEN');
      }
    });

    it('securedRoute_paddedOrTwinSpelledSignature_is401', async () => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1];
      for (const respelled of [`${token}=`, twin]) expect401(await h.request('GET', PROFILE, { token: respelled }), 'INVALID_TOKEN');
    });

    it('securedRoute_payloadSwappedForAnotherUser_is401', async () => {
      const b = await h.register(PHONE_B, { deviceId: 'device-of-b' });
      const [header, , signature] = token.split('.');
      const swapped = `${header}.${b.accessToken.split('.')[1]}.${signature}`;
      expect401(await h.request('GET', PROFILE, { token: swapped }), 'INVALID_TOKEN');
    });

    it('login_wrongPassword_challengesWithoutInvalidToken', async () => {
      const res = await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE_A, password: 'WrongPass999' } });
      expect401(res, 'INVALID_CREDENTIALS');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="barqnet"');
    });

    it('securedRoute_expiredToken_challengesWithInvalidToken', async () => {
      h.clock.advance(3601_000);
      const res = await h.request('GET', PROFILE, { token });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="barqnet", error="invalid_token"');
    });

    it('securedRoute_loggedOutSession_is401AtOnce', async () => {
      expect((await h.request('POST', '/v1/auth/logout', { token })).status).toBe(200);
      expect401(await h.request('GET', PROFILE, { token }), 'INVALID_TOKEN');
    });
  });

  describe(`rate limits [${dialect}]`, () => {
    it('perUserLimit_sixthRequestInAMinute_is429AndOtherUsersAreNotAffected', async () => {
      const h = await startHarness(dialect, { USER_RATE_LIMIT_PER_MINUTE: '5' });
      try {
        const a = (await h.register(PHONE_A)).accessToken;
        const b = (await h.register(PHONE_B, { deviceId: 'device-of-b' })).accessToken;
        h.clock.set(Math.floor(h.clock.now() / 60_000) * 60_000 + 15_000);
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await h.request('GET', '/v1/vpn/locations', { token: a })).status);
        expect(statuses).toEqual([200, 200, 200, 200, 200]);
        const limited = await h.request('GET', '/v1/vpn/locations', { token: a });
        expect(limited.status).toBe(429);
        // GCRA: 5 a minute is one every 12 s once the burst of 5 is spent
        expect(limited.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED', retryAfter: 12 });
        expect(limited.headers.get('retry-after')).toBe('12');

        expect((await h.request('GET', '/v1/vpn/locations', { token: b })).status).toBe(200);
        h.clock.advance(11_999);
        expect((await h.request('GET', '/v1/vpn/locations', { token: a })).status).toBe(429);
        h.clock.advance(1);
        expect((await h.request('GET', '/v1/vpn/locations', { token: a })).status).toBe(200);
      } finally {
        await h.close();
      }
    });

    it('perUserLimit_countsTheUserNotTheToken', async () => {
      const h = await startHarness(dialect, { USER_RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const first = await h.register(PHONE_A);
        const second = (await h.request('POST', '/v1/auth/login', { body: { phoneNumber: PHONE_A, password: 'SecurePass123', deviceId: 'other-device' } })).body
          .accessToken;
        h.clock.set(Math.floor(h.clock.now() / 60_000) * 60_000 + 1000);
        const statuses = [];
        for (const token of [first.accessToken, second, first.accessToken, second]) statuses.push((await h.request('GET', PROFILE, { token })).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await h.close();
      }
    });

    it('perIpLimit_overTheLimit_is429ForEveryRoute', async () => {
      const h = await startHarness(dialect, { IP_RATE_LIMIT_PER_MINUTE: '4' });
      try {
        h.clock.set(Math.floor(h.clock.now() / 60_000) * 60_000 + 30_000);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await h.request('GET', '/ready')).status);
        expect(statuses).toEqual([200, 200, 200, 200]);
        const limited = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE_A } });
        expect(limited.status).toBe(429);
        // GCRA: 4 a minute is one every 15 s once the burst of 4 is spent
        expect(limited.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED', retryAfter: 15 });
        expect(limited.headers.get('retry-after')).toBe('15');
        expect(h.outbox.latest(PHONE_A)).toBeUndefined();
        expect(await count(h.db, 'otp_codes')).toBe(0);
        // Liveness is exempt: a busy address must not make the orchestrator think the process died.
        expect((await h.request('GET', '/health')).status).toBe(200);
        h.clock.advance(30_000);
        expect((await h.request('GET', '/ready')).status).toBe(200);
      } finally {
        await h.close();
      }
    });
  });
}
