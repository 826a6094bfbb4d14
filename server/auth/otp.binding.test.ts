// A code's attempts belong to the sendOtp session that asked for it: a stranger who knows only
// the phone number can neither burn them, nor learn whether a code is pending, nor void it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { wrongCode } from '../../test/support/flows.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';
const IDLE = '+14155552672';
const MADE_UP = 'otp_AAAAAAAAAAAAAAAAAAAA';

for (const dialect of DIALECTS) {
  describe(`one-time codes bound to their session [${dialect}]`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(dialect);
    });
    afterEach(async () => h.close());

    const send = (phoneNumber = PHONE) => h.sendOtp(phoneNumber);
    const verify = (body: Record<string, unknown>) => h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, ...body } });
    const otpLogin = (body: Record<string, unknown>) =>
      h.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: PHONE, deviceId: 'owner-phone', ...body } });

    // Attack: three guesses from anyone used up the owner's code.
    it('verifyOtp_strangersGuesses_leaveTheOwnersAttemptsAlone', async () => {
      const owner = await send();
      for (let i = 0; i < 5; i++) {
        const guess = await verify({ otp: wrongCode(owner.code), sessionId: MADE_UP });
        expect(guess.status).toBe(400);
        expect(guess.body).toMatchObject({ success: false, error: 'INVALID_OTP', attemptsRemaining: 0 });
        const unbound = await verify({ otp: wrongCode(owner.code) });
        expect(unbound.status).toBe(400);
        expect(unbound.body.error).toBe('VALIDATION_ERROR');
      }
      expect(await h.db.one('SELECT attempts, consumed_at FROM otp_codes WHERE id = ?', [owner.sessionId])).toEqual({ attempts: 0, consumed_at: null });
      const done = await verify({ otp: owner.code, sessionId: owner.sessionId });
      expect(done.status).toBe(200);
      expect(done.body.verificationToken).toMatch(/^vt_/);
    });

    it('signInWithOtp_strangersGuesses_leaveTheOwnersAttemptsAlone', async () => {
      const owner = await send();
      for (let i = 0; i < 5; i++) expect((await otpLogin({ otp: wrongCode(owner.code), sessionId: MADE_UP })).body.attemptsRemaining).toBe(0);
      expect((await otpLogin({ otp: owner.code, sessionId: owner.sessionId })).status).toBe(200);
      expect(await count(h.db, 'users')).toBe(1);
    });

    // Attack: attemptsRemaining 2 (a code is pending) against 0 (none) told the state of any number.
    it('verifyOtp_strangersAnswer_isTheSameWhetherACodeIsPendingOrNot', async () => {
      const owner = await send();
      const pending = await verify({ otp: wrongCode(owner.code), sessionId: MADE_UP });
      const idle = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: IDLE, otp: wrongCode(owner.code), sessionId: MADE_UP } });
      expect([pending.status, pending.body]).toEqual([idle.status, idle.body]);
      // another number's session does not open this number's code either
      const other = await send(IDLE);
      expect((await verify({ otp: owner.code, sessionId: other.sessionId })).body).toEqual(idle.body);
      expect(await count(h.db, 'otp_codes', 'attempts > 0')).toBe(0);
    });

    // Attack: a sendOtp by anyone voided the code the owner was typing.
    it('sendOtp_strangersResend_doesNotVoidTheOwnersCode', async () => {
      const owner = await send();
      const stranger = await send();
      expect((await verify({ otp: owner.code, sessionId: owner.sessionId })).status).toBe(200);
      // the number is proven: its other codes die with this success
      expect((await verify({ otp: stranger.code, sessionId: stranger.sessionId })).body).toMatchObject({ error: 'INVALID_OTP', attemptsRemaining: 0 });
    });

    it('verifyOtp_ownersWrongGuesses_countDownOnTheirSession', async () => {
      const owner = await send();
      const remaining = [];
      for (let i = 0; i < 3; i++) remaining.push((await verify({ otp: wrongCode(owner.code), sessionId: owner.sessionId })).body.attemptsRemaining);
      expect(remaining).toEqual([2, 1, 0]);
      expect((await verify({ otp: owner.code, sessionId: owner.sessionId })).body).toMatchObject({ error: 'INVALID_OTP', attemptsRemaining: 0 });
      expect(await count(h.db, 'verification_tokens')).toBe(0);
    });
  });
}
