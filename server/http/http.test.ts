import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness, type Reply } from '../test/harness.ts';

const PHONE = '+14155552671';
const SEND = '/v1/auth/otp/send';

/** Every error, whoever produced it, is the contract's envelope. */
function expectEnvelope(res: Reply, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ success: false, error, message: expect.any(String) });
  expect(Object.keys(res.body).every((k) => ['success', 'error', 'message', 'details', 'retryAfter', 'attemptsRemaining', 'requestId'].includes(k))).toBe(true);
}

for (const dialect of DIALECTS) {
  describe(`bad input gets the envelope and changes nothing [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    const json = { 'content-type': 'application/json' };
    const nothingSent = async () => {
      expect(await count(h.db, 'otp_codes')).toBe(0);
      expect(h.outbox.latest(PHONE)).toBeUndefined();
    };

    it('anyPost_malformedJson_is400ValidationError', async () => {
      for (const raw of ['{"phoneNumber": "+14155552671"', "{'phoneNumber': 1}", 'null', '']) {
        const res = await h.request('POST', SEND, { raw, headers: json });
        expectEnvelope(res, 400, 'VALIDATION_ERROR');
      }
      await nothingSent();
    });

    it('anyPost_bodyOver100KiB_is413', async () => {
      const res = await h.request('POST', SEND, { body: { phoneNumber: PHONE, padding: 'x'.repeat(101 * 1024) } });
      expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
      await nothingSent();
    });

    it('anyPost_nonJsonBody_is415', async () => {
      const cases = [
        { raw: JSON.stringify({ phoneNumber: PHONE }), headers: { 'content-type': 'text/plain' } },
        { raw: `phoneNumber=${encodeURIComponent(PHONE)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        { raw: JSON.stringify({ phoneNumber: PHONE }), headers: { 'content-type': 'application/json; charset=latin1' } },
      ];
      for (const c of cases) expectEnvelope(await h.request('POST', SEND, c), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await nothingSent();
    });

    it('anyPost_unknownField_is400WithTheFieldsPath', async () => {
      const res = await h.request('POST', SEND, { body: { phoneNumber: PHONE, nickname: 'x' } });
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('nickname') })]));
      await nothingSent();
    });

    it('anyPost_wrongTypes_are400WithPaths', async () => {
      for (const body of [{ phoneNumber: 14155552671 }, { phoneNumber: [PHONE] }, [PHONE], 'text']) {
        const res = await h.request('POST', SEND, { body });
        expectEnvelope(res, 400, 'VALIDATION_ERROR');
        expect(res.body.details.length).toBeGreaterThan(0);
      }
      await nothingSent();
    });

    it('register_fourMistakes_is400ListingEachOne', async () => {
      const res = await h.request('POST', '/v1/auth/register', { body: { phoneNumber: 1, password: 'short', deviceId: 7, nickname: 'x' } });
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      const paths = (res.body.details as { path: string }[]).map((d) => d.path).sort();
      expect(paths).toEqual(['/body/deviceId', '/body/nickname', '/body/password', '/body/phoneNumber', '/body/verificationToken']);
    });

    it('anyPost_manyMistakes_detailsBoundedAt20', async () => {
      const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`extra${i}`, i]));
      const res = await h.request('POST', SEND, { body: { phoneNumber: PHONE, ...body } });
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.details).toHaveLength(20);
      expect(res.body.message.length).toBeLessThanOrEqual(500);
      await nothingSent();
    });

    it('sendOtp_nonE164Phone_is400', async () => {
      for (const phoneNumber of ['4155552671', '+1 415 555 2671', '+0123456789', '0014155552671']) {
        const res = await h.request('POST', SEND, { body: { phoneNumber } });
        expectEnvelope(res, 400, 'VALIDATION_ERROR');
        expect(res.body.details[0].path).toBe('/body/phoneNumber');
      }
      await nothingSent();
    });

    it('verifyOtp_fiveDigitCode_is400AndCostsNoAttempt', async () => {
      const { sessionId, code } = await h.sendOtp(PHONE);
      const res = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, otp: code.slice(0, 5), sessionId } });
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.details[0].path).toBe('/body/otp');
      expect(await count(h.db, 'otp_codes', 'attempts = 0 AND consumed_at IS NULL')).toBe(1);
    });

    it('updateProfile_protoKey_is400AndTheRoleStays', async () => {
      const { accessToken, user } = await h.register(PHONE);
      const res = await h.request('PATCH', '/v1/user/profile', { token: accessToken, raw: '{"name":"X","__proto__":{"role":"admin"}}', headers: json });
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(await h.db.one('SELECT name, role FROM users WHERE id = ?', [user.id])).toEqual({ name: null, role: 'user' });
    });

    it('reportTrafficStats_negativeOrFractionalBytes_are400AndTotalsUnchanged', async () => {
      const { accessToken } = await h.register(PHONE);
      const sessionId = (await h.request('POST', '/v1/vpn/status', { token: accessToken, body: { status: 'CONNECTED' } })).body.sessionId;
      await h.request('POST', '/v1/vpn/stats', { token: accessToken, body: { sessionId, bytesIn: 100, bytesOut: 100, duration: 1 } });
      for (const bad of [
        { bytesIn: -1 },
        { bytesOut: -5 },
        { bytesIn: 1.5 },
        { bytesIn: Number.MAX_SAFE_INTEGER + 2 },
        { bytesIn: '1000' },
        { duration: -1 },
      ]) {
        const res = await h.request('POST', '/v1/vpn/stats', { token: accessToken, body: { sessionId, bytesIn: 200, bytesOut: 200, duration: 2, ...bad } });
        expectEnvelope(res, 400, 'VALIDATION_ERROR');
      }
      expect(await h.db.one('SELECT bytes_in, bytes_out, duration FROM vpn_sessions WHERE id = ?', [sessionId])).toEqual({
        bytes_in: 100,
        bytes_out: 100,
        duration: 1,
      });
    });

    it('anyGet_unknownQueryParameter_is400', async () => {
      const { accessToken } = await h.register(PHONE);
      expectEnvelope(await h.request('GET', '/v1/vpn/locations?debug=1', { token: accessToken }), 400, 'VALIDATION_ERROR');
    });

    it('unknownPath_is404Envelope', async () => {
      for (const path of ['/v1/nope', '/v2/vpn/locations', '/v1/vpn/config/custom/cfg_x/extra', '/']) {
        expectEnvelope(await h.request('GET', path), 404, 'NOT_FOUND');
      }
    });

    it('knownPathWrongMethod_is405WithAllow', async () => {
      const put = await h.request('PUT', '/v1/vpn/locations');
      expectEnvelope(put, 405, 'METHOD_NOT_ALLOWED');
      expect(put.headers.get('allow')).toBe('GET');
      const del = await h.request('DELETE', '/v1/vpn/stats');
      expectEnvelope(del, 405, 'METHOD_NOT_ALLOWED');
      expect(del.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'POST']);
      expect((await h.request('GET', SEND)).headers.get('allow')).toBe('POST');
    });

    it('requestId_safeValueIsEchoedUnsafeIsReplaced', async () => {
      const echoed = await h.request('GET', '/health', { headers: { 'x-request-id': 'client-42.a:b_c' } });
      expect(echoed.headers.get('x-request-id')).toBe('client-42.a:b_c');
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      for (const unsafe of ['x'.repeat(200), 'has spaces', 'quote"d', '<script>']) {
        const res = await h.request('GET', '/health', { headers: { 'x-request-id': unsafe } });
        expect(res.headers.get('x-request-id')).toMatch(uuid);
      }
      expect((await h.request('GET', '/health')).headers.get('x-request-id')).toMatch(uuid);
      expect((await h.request('GET', '/v1/nope', { headers: { 'x-request-id': 'on-errors-too' } })).headers.get('x-request-id')).toBe('on-errors-too');
    });

    it('publicSpec_servedAsJsonAndYaml_withoutTheTestBypass', async () => {
      const spec = await h.request('GET', '/openapi.json');
      expect(spec.status).toBe(200);
      expect(spec.headers.get('content-type')).toMatch(/^application\/json/);
      expect(spec.body.openapi).toMatch(/^3\.1/);
      expect(spec.body.paths['/v1/vpn/locations']).toBeDefined();
      expect(spec.body.paths['/v1/test/auth/bypass']).toBeUndefined();
      expect(JSON.stringify(spec.body)).not.toMatch(/testAuthBypass|x-internal/);

      const yaml = await h.request('GET', '/openapi.yaml');
      expect(yaml.status).toBe(200);
      expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
      expect(yaml.body).toMatch(/^openapi: ['"]?3\.1/m);
      expect(yaml.body).toContain('/v1/vpn/locations:');
      expect(yaml.body).not.toMatch(/testAuthBypass|\/v1\/test\/auth\/bypass|x-internal/);
    });
  });

  describe(`test bypass without TEST_MODE [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect, { TEST_MODE: '0' });
    });
    afterEach(async () => h.close());

    it('testBypass_testModeOff_is404AndSendsNothing', async () => {
      expect(h.config.testMode).toBe(false);
      for (const method of ['POST', 'GET']) {
        const res = await h.request(method, '/v1/test/auth/bypass', method === 'POST' ? { body: { phoneNumber: PHONE, testMode: true } } : {});
        expectEnvelope(res, 404, 'NOT_FOUND');
        expect(res.headers.get('allow')).toBeNull();
      }
      expect(await count(h.db, 'otp_codes')).toBe(0);
      expect(h.outbox.latest(PHONE)).toBeUndefined();
    });
  });
}
