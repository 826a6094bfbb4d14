import { afterEach, describe, expect, it } from 'vitest';
import type { Db, Queryable, Tx } from '../db/index.ts';
import { DIALECTS } from '../db/testing.ts';
import { wrongCode } from '../../test/support/flows.ts';
import { startHarness, type Harness } from '../test/harness.ts';

const PHONE = '+14155552671';

/** The database with the next statement matching `sql` failing once, inside transactions too. */
function failOnce(db: Db, sql: RegExp): Db {
  let armed = true;
  const wrap = <Q extends Queryable>(target: Q): Q =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'transaction') return (fn: (tx: Tx) => Promise<unknown>) => (t as unknown as Db).transaction((tx) => fn(wrap(tx)));
        if (['all', 'one', 'run'].includes(prop as string)) {
          return (text: string, ...rest: unknown[]) => {
            if (armed && sql.test(text)) {
              armed = false;
              return Promise.reject(new Error('injected failure'));
            }
            return (value as (...a: unknown[]) => unknown).call(t, text, ...rest);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  return wrap(db);
}

for (const dialect of DIALECTS) {
  describe(`a one-time code is spent only with the work it pays for [${dialect}]`, () => {
    let h: Harness;
    afterEach(async () => h.close());

    it('signInWithOtp_failureAfterTheCodeCheck_leavesTheCodeUsable', async () => {
      h = await startHarness(dialect, {}, { wrapDb: (db) => failOnce(db, /INSERT INTO devices/) });
      const { sessionId } = (await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).body;
      const body = { phoneNumber: PHONE, otp: h.lastCode(PHONE), sessionId, deviceId: 'device-1', deviceInfo: { platform: 'ios' } };
      expect((await h.request('POST', '/v1/auth/otp/login', { body })).status).toBe(500);
      const retry = await h.request('POST', '/v1/auth/otp/login', { body });
      expect(retry.status).toBe(200);
    });

    it('verifyOtp_failureIssuingTheToken_leavesTheCodeUsable', async () => {
      h = await startHarness(dialect, {}, { wrapDb: (db) => failOnce(db, /INSERT INTO verification_tokens/) });
      const { sessionId } = (await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).body;
      const body = { phoneNumber: PHONE, otp: h.lastCode(PHONE), sessionId };
      expect((await h.request('POST', '/v1/auth/otp/verify', { body })).status).toBe(500);
      const retry = await h.request('POST', '/v1/auth/otp/verify', { body });
      expect(retry.status).toBe(200);
      expect(retry.body.verificationToken).toEqual(expect.any(String));
    });

    it('verifyOtp_wrongCode_stillCostsAnAttempt', async () => {
      h = await startHarness(dialect);
      const { sessionId } = (await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).body;
      const res = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, otp: wrongCode(h.lastCode(PHONE)), sessionId } });
      expect(res.body).toMatchObject({ error: 'INVALID_OTP', attemptsRemaining: 2 });
    });
  });
}
