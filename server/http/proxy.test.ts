import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { startHarness, type Harness } from '../test/harness.ts';

// The harness's socket peer (127.0.0.1) plays the one load balancer: it appends the address it
// saw to whatever X-Forwarded-For the client wrote, so only the right-most entry is trustworthy.
const CLIENT = '203.0.113.7';
const spoofed = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i % 250}, ${CLIENT}` });

for (const dialect of DIALECTS) {
  describe(`per-address limits behind one proxy hop [${dialect}]`, () => {
    let h: Harness;
    afterEach(async () => h.close());

    it('ipRateLimit_rotatingLeftMostForwardedFor_stillLimitsTheRealClient', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '1', IP_RATE_LIMIT_PER_MINUTE: '3' });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await h.request('GET', '/v1/vpn/locations', { headers: spoofed(i) })).status);
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
      expect(statuses.slice(3)).toEqual([429, 429]);
      // Another real client behind the same balancer keeps its own budget.
      expect((await h.request('GET', '/v1/vpn/locations', { headers: { 'x-forwarded-for': `${CLIENT}, 203.0.113.8` } })).status).not.toBe(429);
    });

    it('sendOtp_rotatingLeftMostForwardedFor_stillHitsThePerAddressLimit', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '1', OTP_SEND_LIMIT_PER_IP_PER_HOUR: '2' });
      const phones = ['+14155552671', '+14155552672', '+14155552673'];
      const replies = [];
      for (const [i, phoneNumber] of phones.entries())
        replies.push(await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber }, headers: spoofed(i) }));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(replies[2]!.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED' });
      expect(h.outbox.latest(phones[2]!)).toBeUndefined();
    });

    it('ipRateLimit_trustedCidrList_skipsOnlyTheListedProxies', async () => {
      h = await startHarness(dialect, { TRUST_PROXY: '127.0.0.1/32, ::1', IP_RATE_LIMIT_PER_MINUTE: '2' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.request('GET', '/v1/vpn/locations', { headers: spoofed(i) })).status);
      expect(statuses[2]).toBe(429);
    });
  });
}
