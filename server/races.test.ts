// Rules that check before they write must hold under concurrency on both stores, and a failed
// SMS must leave the user with the code they already had.
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from './db/testing.ts';
import { testOutbox } from './sms/sms.ts';
import { count, startHarness, type Harness } from './test/harness.ts';

const PHONE = '+14155552671';
const OVPN = 'client\ndev tun\nremote vpn.example.net 1194\n';

for (const dialect of DIALECTS) {
  describe(`concurrency and failure rules [${dialect}]`, () => {
    let h: Harness;
    afterEach(async () => h.close());

    it('createCustomConfig_concurrentUploads_neverPassTheLimit', async () => {
      h = await startHarness(dialect, { MAX_CUSTOM_CONFIGS: '3' });
      const { accessToken } = await h.register(PHONE);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          h.request('POST', '/v1/vpn/config/custom', { token: accessToken, body: { name: `Config ${i}`, ovpnContent: OVPN } }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.error === 'CONFIG_LIMIT_REACHED')).toBe(true);
      expect(await count(h.db, 'custom_configs')).toBe(3);
    });

    it('updateProfile_concurrentPreferencePatches_bothSurvive', async () => {
      h = await startHarness(dialect);
      const { accessToken } = await h.register(PHONE);
      const [a, b] = await Promise.all([
        h.request('PATCH', '/v1/user/profile', { token: accessToken, body: { preferences: { autoConnect: true } } }),
        h.request('PATCH', '/v1/user/profile', { token: accessToken, body: { preferences: { killSwitch: true } } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const profile = await h.request('GET', '/v1/user/profile', { token: accessToken });
      expect(profile.body.user.preferences).toEqual({ autoConnect: true, killSwitch: true });
    });

    it('sendOtp_failedResend_keepsTheEarlierCodeUsable', async () => {
      const outbox = testOutbox();
      let down = false;
      const flaky = { ...outbox, send: async (to: string, text: string) => (down ? Promise.reject(new Error('provider down')) : outbox.send(to, text)) };
      h = await startHarness(dialect, {}, { sms: flaky });
      const sent = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } });
      expect(sent.status).toBe(200);
      const first = outbox.latestCode(PHONE);
      down = true;
      const resend = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } });
      expect(resend.status).toBe(503);
      expect(resend.body.error).toBe('SERVICE_UNAVAILABLE');
      const verified = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, otp: first, sessionId: sent.body.sessionId } });
      expect(verified.status).toBe(200);
      expect(await count(h.db, 'otp_codes')).toBe(1);
    });
  });
}
