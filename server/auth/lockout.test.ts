import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const VICTIM = '+14155552671';
const from = (address: string) => ({ 'x-forwarded-for': address });
const ATTACKER = '203.0.113.66';
const OWNER = '198.51.100.7';

for (const dialect of DIALECTS) {
  describe(`password lockout is no free denial of service [${dialect}]`, () => {
    let h: Harness;
    afterEach(async () => h.close());
    const login = (phoneNumber: string, password: string, address: string) =>
      h.request('POST', '/v1/auth/login', { body: { phoneNumber, password }, headers: from(address) });

    it('login_failuresFromAnotherAddress_doNotLockTheOwnerOut', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '1' });
      await h.register(VICTIM);
      const attacker = [];
      for (let i = 0; i < 6; i++) attacker.push((await login(VICTIM, 'WrongPass123', ATTACKER)).status);
      expect(attacker).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await login(VICTIM, 'SecurePass123', OWNER)).status).toBe(200);
      // ...and the attacker stays locked out of that number.
      expect((await login(VICTIM, 'SecurePass123', ATTACKER)).status).toBe(429);
    });

    it('login_40WrongPasswordsOver10NumbersFromOneAddress_get429', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '1' });
      const statuses: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (let n = 0; n < 10; n++) statuses.push((await login(`+1415555${2600 + n}`, `Spray${round}Pass1`, ATTACKER)).status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      const refused = await login('+14155552699', 'Spray9Pass1', ATTACKER);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED', retryAfter: expect.any(Number) });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await count(h.db, 'login_failures')).toBe(20);
      // Another address is not affected.
      expect((await login('+14155552600', 'Spray0Pass1', OWNER)).status).toBe(401);
    });

    it('login_success_forgivesOnlyThatNumbersFailuresFromThatAddress', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '1', LOGIN_MAX_FAILURES_PER_ADDRESS: '6' });
      await h.register(VICTIM);
      for (let n = 0; n < 3; n++) expect((await login(`+1415555${2600 + n}`, 'WrongPass123', ATTACKER)).status).toBe(401);
      for (let i = 0; i < 2; i++) expect((await login(VICTIM, 'WrongPass123', ATTACKER)).status).toBe(401);
      expect((await login(VICTIM, 'SecurePass123', ATTACKER)).status).toBe(200);
      // 3 failures on other numbers remain: 3 more reach the address limit of 6.
      for (let n = 3; n < 6; n++) expect((await login(`+1415555${2600 + n}`, 'WrongPass123', ATTACKER)).status).toBe(401);
      expect((await login('+14155552606', 'WrongPass123', ATTACKER)).status).toBe(429);
    });
  });
}
