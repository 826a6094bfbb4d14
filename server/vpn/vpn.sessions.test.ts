import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';

const PHONE_A = '+14155552671';
const PHONE_B = '+14155552672';

interface SessionRow {
  status: string;
  user_id: string;
  device_id: string | null;
  location_id: string | null;
  connected_at: number | null;
  disconnected_at: number | null;
  bytes_in: number;
  bytes_out: number;
  duration: number;
}

for (const dialect of DIALECTS) {
  describe(`vpn sessions, stats and quota [${dialect}]`, () => {
    let h: Harness;
    let a: string;
    let b: string;
    beforeEach(async () => {
      h = await startHarness(dialect);
      a = (await h.register(PHONE_A)).accessToken;
      b = (await h.register(PHONE_B, { deviceId: 'device-of-b' })).accessToken;
    });
    afterEach(async () => h.close());

    const status = (token: string, body: Record<string, unknown>) => h.request('POST', '/v1/vpn/status', { token, body });
    const open = async (token: string, extra: Record<string, unknown> = {}) => {
      const res = await status(token, { status: 'CONNECTED', ...extra });
      expect(res.status).toBe(200);
      return res.body.sessionId as string;
    };
    const stats = (token: string, sessionId: string, bytesIn: number, bytesOut: number, duration = 60) =>
      h.request('POST', '/v1/vpn/stats', { token, body: { sessionId, bytesIn, bytesOut, duration } });
    const row = async (id: string) => (await h.db.one<SessionRow>('SELECT * FROM vpn_sessions WHERE id = ?', [id]))!;
    const usage = async (token: string) => (await h.request('GET', '/v1/vpn/stats', { token })).body.usage;

    it('reportStatus_connectedWithoutSessionId_opensASessionForThisDevice', async () => {
      const connectedAt = new Date(h.clock.now() - 5000).toISOString();
      const res = await status(a, { status: 'CONNECTED', locationId: 'us-east-1', connectedAt, localIp: '10.8.0.2', platform: 'android' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, sessionId: expect.stringMatching(/^vpn_[A-Za-z0-9]{20}$/), status: 'CONNECTED' });
      const stored = await row(res.body.sessionId);
      const device = await h.db.one<{ id: string }>("SELECT id FROM devices WHERE client_device_id = 'test-device-1'");
      expect(stored).toMatchObject({
        status: 'CONNECTED',
        location_id: 'us-east-1',
        connected_at: Date.parse(connectedAt),
        disconnected_at: null,
        device_id: device!.id,
      });
    });

    it('reportStatus_connectingThenConnected_updatesTheSameSession', async () => {
      const opened = await status(a, { status: 'CONNECTING' });
      expect(opened.body.status).toBe('CONNECTING');
      expect((await row(opened.body.sessionId)).connected_at).toBeNull();
      h.clock.advance(2000);
      const connected = await status(a, { status: 'CONNECTED', sessionId: opened.body.sessionId });
      expect(connected.body).toEqual({ success: true, sessionId: opened.body.sessionId, status: 'CONNECTED' });
      expect(await row(opened.body.sessionId)).toMatchObject({ status: 'CONNECTED', connected_at: h.clock.now() });
      expect(await count(h.db, 'vpn_sessions')).toBe(1);
    });

    it('reportStatus_disconnectedWithoutSessionId_is400AndChangesNothing', async () => {
      const id = await open(a);
      for (const closing of ['DISCONNECTED', 'ERROR']) {
        const res = await status(a, { status: closing });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_ERROR' });
        expect(JSON.stringify(res.body.details)).toContain('sessionId');
      }
      expect(await row(id)).toMatchObject({ status: 'CONNECTED', disconnected_at: null });
      expect(await count(h.db, 'vpn_sessions')).toBe(1);
    });

    it('reportStatus_disconnectedTwice_closesOnceAndTheRepeatChangesNothing', async () => {
      const id = await open(a);
      h.clock.advance(60_000);
      const closedAt = h.clock.now();
      const first = await status(a, { status: 'DISCONNECTED', sessionId: id });
      expect(first.body).toEqual({ success: true, sessionId: id, status: 'DISCONNECTED' });
      expect(await row(id)).toMatchObject({ status: 'DISCONNECTED', disconnected_at: closedAt });
      h.clock.advance(60_000);
      const repeat = await status(a, { status: 'DISCONNECTED', sessionId: id });
      expect(repeat.status).toBe(200);
      // A late CONNECTED for a closed session does not reopen it either.
      const late = await status(a, { status: 'CONNECTED', sessionId: id });
      expect(late.body.status).toBe('DISCONNECTED');
      expect(await row(id)).toMatchObject({ status: 'DISCONNECTED', disconnected_at: closedAt });
    });

    it('reportStatus_unknownLocation_is404AndOpensNothing', async () => {
      const res = await status(a, { status: 'CONNECTED', locationId: 'xx-nowhere-1' });
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('NOT_FOUND');
      expect(await count(h.db, 'vpn_sessions')).toBe(0);
    });

    it('reportStatus_otherUsersSession_is404AndTheSessionStaysOpen', async () => {
      const id = await open(a);
      for (const report of ['DISCONNECTED', 'CONNECTED']) {
        const res = await status(b, { status: report, sessionId: id });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
      }
      expect(await row(id)).toMatchObject({ status: 'CONNECTED', disconnected_at: null });
    });

    it('reportTrafficStats_cumulativeReports_areNeverCountedTwice', async () => {
      const id = await open(a);
      let res = await stats(a, id, 1000, 500, 60);
      expect(res.status).toBe(200);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 1000, totalBytesOut: 500, usedData: 1500 });
      res = await stats(a, id, 3000, 1500, 120);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 3000, totalBytesOut: 1500, usedData: 4500 });
      // The same report again (a retry after a lost response).
      res = await stats(a, id, 3000, 1500, 120);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 3000, totalBytesOut: 1500, usedData: 4500 });
      // An older report arriving late.
      res = await stats(a, id, 2000, 1000, 90);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 3000, totalBytesOut: 1500, usedData: 4500 });
      expect(await row(id)).toMatchObject({ bytes_in: 3000, bytes_out: 1500, duration: 120 });
    });

    it('reportTrafficStats_twoSessions_areSummed', async () => {
      await stats(a, await open(a), 1000, 100);
      const res = await stats(a, await open(a), 2000, 200);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 3000, totalBytesOut: 300, usedData: 3300 });
      expect(await usage(a)).toEqual(res.body.usage);
      expect(await usage(b)).toMatchObject({ totalBytesIn: 0, totalBytesOut: 0, usedData: 0 });
    });

    it('reportTrafficStats_totalsBeyond2Pow53_areClampedNotAnError', async () => {
      const max = Number.MAX_SAFE_INTEGER;
      const [first, second] = [await open(a), await open(a)];
      expect((await stats(a, first, max, 0)).status).toBe(200);
      const res = await stats(a, second, max, max);
      expect(res.status).toBe(200);
      expect(res.body.usage).toMatchObject({ totalBytesIn: max, totalBytesOut: max, usedData: max, remainingQuota: 0, quotaExceeded: true });
      expect((await h.request('GET', '/v1/user/profile', { token: a })).body.user.subscription.usedData).toBe(max);
    });

    it('reportTrafficStats_finalReportAfterDisconnect_isAccepted', async () => {
      const id = await open(a);
      await stats(a, id, 1000, 500);
      await status(a, { status: 'DISCONNECTED', sessionId: id });
      const res = await stats(a, id, 1200, 600, 65);
      expect(res.status).toBe(200);
      expect(res.body.usage).toMatchObject({ totalBytesIn: 1200, totalBytesOut: 600 });
      expect(await row(id)).toMatchObject({ status: 'DISCONNECTED', bytes_in: 1200, bytes_out: 600, duration: 65 });
    });

    it('reportTrafficStats_otherUsersSession_is404AndTotalsUnchanged', async () => {
      const id = await open(a);
      await stats(a, id, 1000, 500);
      const res = await stats(b, id, 9_000_000, 9_000_000);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
      expect(await row(id)).toMatchObject({ bytes_in: 1000, bytes_out: 500 });
      expect(await usage(a)).toMatchObject({ totalBytesIn: 1000, totalBytesOut: 500 });
    });

    it('reportTrafficStats_unknownSession_is404', async () => {
      const res = await stats(a, 'vpn_AAAAAAAAAAAAAAAAAAAA', 1, 1);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('NOT_FOUND');
    });

    it('reportTrafficStats_accountGoneUnderAStillCachedSession_is401NotA404', async () => {
      // The report is one statement; the account is looked up only when it found no session.
      const id = await open(a);
      expect((await stats(a, id, 1000, 500)).status).toBe(200); // the session is now cached
      await h.db.run('DELETE FROM users WHERE phone_number = ?', [PHONE_A]);
      const res = await stats(a, id, 2000, 1000);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: 'INVALID_TOKEN', message: 'The account no longer exists' });
    });

    it('quota_usedUp_flagsUsageAndRefusesConfigAndNewSessions', async () => {
      const userId = (await h.db.one<{ id: string }>('SELECT id FROM users WHERE phone_number = ?', [PHONE_A]))!.id;
      await h.db.run('UPDATE users SET data_quota = ? WHERE id = ?', [10_000, userId]);
      const id = await open(a);
      const res = await stats(a, id, 8000, 4000);
      expect(res.body.usage).toEqual({ totalBytesIn: 8000, totalBytesOut: 4000, usedData: 12_000, dataQuota: 10_000, remainingQuota: 0, quotaExceeded: true });
      expect(await usage(a)).toEqual(res.body.usage);

      const config = await h.request('GET', '/v1/vpn/config', { token: a });
      expect(config.status).toBe(403);
      expect(config.body).toMatchObject({ success: false, error: 'QUOTA_EXCEEDED' });
      const reopen = await status(a, { status: 'CONNECTED' });
      expect(reopen.status).toBe(403);
      expect(reopen.body.error).toBe('QUOTA_EXCEEDED');
      expect(await count(h.db, 'vpn_sessions', 'user_id = ?', [userId])).toBe(1);

      // Closing the running session and its last report still go through.
      expect((await status(a, { status: 'DISCONNECTED', sessionId: id })).status).toBe(200);
      expect((await stats(a, id, 8100, 4000)).body.usage.totalBytesIn).toBe(8100);
      // Other accounts are not affected.
      expect((await h.request('GET', '/v1/vpn/config', { token: b })).status).toBe(200);
    });

    it('quota_justBelowTheQuota_stillAllowsConnecting', async () => {
      await h.db.run('UPDATE users SET data_quota = ? WHERE phone_number = ?', [10_000, PHONE_A]);
      const res = await stats(a, await open(a), 5000, 4999);
      expect(res.body.usage).toMatchObject({ usedData: 9999, remainingQuota: 1, quotaExceeded: false });
      expect((await h.request('GET', '/v1/vpn/config', { token: a })).status).toBe(200);
    });

    it('getUsage_newAccount_isZeroWithTheDefaultQuota', async () => {
      expect(await usage(a)).toEqual({
        totalBytesIn: 0,
        totalBytesOut: 0,
        usedData: 0,
        dataQuota: 10_737_418_240,
        remainingQuota: 10_737_418_240,
        quotaExceeded: false,
      });
    });
  });
}
