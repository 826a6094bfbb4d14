import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { wrongCode } from '../../test/support/flows.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';

for (const dialect of DIALECTS) {
  describe(`one-time codes [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    let sessionId = '';
    const send = async (phoneNumber = PHONE) => {
      const res = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber } });
      if (res.status === 200) sessionId = res.body.sessionId;
      return res;
    };
    /** With the sessionId of the last send. */
    const verify = (otp: string, phoneNumber = PHONE) => h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber, otp, sessionId } });

    it('sendOtp_validNumber_sendsSmsAndStoresOnlyAHash', async () => {
      const res = await send();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, expiresIn: 600, sessionId: expect.stringMatching(/^otp_/) });
      const code = h.lastCode(PHONE);
      const rows = await h.db.all<{ code_hash: string }>('SELECT code_hash FROM otp_codes WHERE phone_number = ?', [PHONE]);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.code_hash).not.toContain(code);
    });

    it('sendOtp_formattedNumber_isNormalisedToE164', async () => {
      const res = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+4915123456789', countryCode: 'DE' } });
      expect(res.status).toBe(200);
      expect(await count(h.db, 'otp_codes', 'phone_number = ?', ['+4915123456789'])).toBe(1);
    });

    it('sendOtp_countryMismatch_isRejected', async () => {
      const res = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE, countryCode: 'DE' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
      expect(await count(h.db, 'otp_codes')).toBe(0);
    });

    it('sendOtp_impossibleNumber_isRejectedWithoutSending', async () => {
      const res = await send('+10000000000');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
      expect(await count(h.db, 'otp_codes')).toBe(0);
    });

    it('verifyOtp_correctCode_returnsVerificationToken', async () => {
      await send();
      const res = await verify(h.lastCode(PHONE));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, verified: true, verificationToken: expect.stringMatching(/^vt_/) });
      expect(await count(h.db, 'otp_codes', 'consumed_at IS NOT NULL')).toBe(1);
    });

    it('verifyOtp_wrongCode_countsDownAttempts', async () => {
      await send();
      const res = await verify(wrongCode(h.lastCode(PHONE)));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: 'INVALID_OTP', attemptsRemaining: 2 });
    });

    it('verifyOtp_fourthAttemptAfterThreeWrong_failsEvenWithTheRightCode', async () => {
      await send();
      const code = h.lastCode(PHONE);
      const remaining = [];
      for (let i = 0; i < 3; i++) remaining.push((await verify(wrongCode(code))).body.attemptsRemaining);
      expect(remaining).toEqual([2, 1, 0]);
      const fourth = await verify(code);
      expect(fourth.status).toBe(400);
      expect(fourth.body).toMatchObject({ error: 'INVALID_OTP', attemptsRemaining: 0 });
      expect(await count(h.db, 'verification_tokens')).toBe(0);
    });

    it('verifyOtp_afterTenMinutes_isExpired', async () => {
      await send();
      const code = h.lastCode(PHONE);
      h.clock.advance(600_001);
      const res = await verify(code);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_OTP');
    });

    it('verifyOtp_justBeforeExpiry_succeeds', async () => {
      await send();
      h.clock.advance(599_000);
      expect((await verify(h.lastCode(PHONE))).status).toBe(200);
    });

    it('verifyOtp_replayedCode_isRefused', async () => {
      await send();
      const code = h.lastCode(PHONE);
      expect((await verify(code)).status).toBe(200);
      const replay = await verify(code);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('INVALID_OTP');
      expect(await count(h.db, 'verification_tokens')).toBe(1);
    });

    it('sendOtp_resend_eachCodeOpensOnlyWithItsOwnSessionAndASuccessVoidsTheOthers', async () => {
      // each code is checked in its own session, so the outcome holds even when the two random codes are equal
      const sendInSession = async () => {
        const { sessionId } = (await send()).body as { sessionId: string };
        return { phoneNumber: PHONE, sessionId, otp: h.lastCode(PHONE) };
      };
      const first = await sendInSession();
      const second = await sendInSession();
      // a resend does not void the earlier code: its owner may still be typing it
      expect((await h.request('POST', '/v1/auth/otp/verify', { body: first })).status).toBe(200);
      // the success voided the other pending code
      const voided = await h.request('POST', '/v1/auth/otp/verify', { body: second });
      expect(voided.body).toMatchObject({ error: 'INVALID_OTP', attemptsRemaining: 0 });
    });

    it('sendOtp_fourthSendInAnHour_is429WithRetryAfter', async () => {
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
      h.clock.advance(10 * 60_000);
      const res = await send();
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED' });
      expect(Number(res.headers.get('retry-after'))).toBe(50 * 60);
      expect(res.body.retryAfter).toBe(50 * 60);
      expect(await count(h.db, 'otp_codes')).toBe(3);
      h.clock.advance(50 * 60_000 + 1000);
      expect((await send()).status).toBe(200);
    });

    it('sendOtp_perAddressLimit_coversManyNumbers', async () => {
      const limited = await startHarness(dialect, { OTP_SEND_LIMIT_PER_IP_PER_HOUR: '2' });
      try {
        const phones = ['+14155552671', '+14155552672', '+14155552673'];
        const statuses = [];
        for (const phoneNumber of phones) statuses.push((await limited.request('POST', '/v1/auth/otp/send', { body: { phoneNumber } })).status);
        expect(statuses).toEqual([200, 200, 429]);
      } finally {
        await limited.close();
      }
    });

    it('sendOtp_sameAnswerForRegisteredAndUnknownNumbers', async () => {
      await h.register(PHONE);
      const known = await send(PHONE);
      const unknown = await send('+14155552699');
      expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
      expect(known.body.message).toBe(unknown.body.message);
      expect(known.status).toBe(unknown.status);
    });
  });
}
