// Two server processes on one PostgreSQL, requests alternating between them: the limits and
// token rules live in the database, so they must hold across processes (DESIGN §4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/db/testing.ts';
import { connectVpn, phoneNumber, register, signInWithOtp } from '../support/flows.ts';
import { client, type Client } from '../support/http.ts';
import { createDatabase, queryOnce, type TempDatabase } from '../support/postgres.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(DIALECTS.includes('postgres'))('two instances on one PostgreSQL', () => {
  let db: TempDatabase;
  let servers: ServerProcess[] = [];
  let a: Client;
  let b: Client;
  /** Request i goes to instance i % 2. */
  const via = (i: number) => (i % 2 === 0 ? a : b);

  beforeAll(async () => {
    db = await createDatabase();
    // Started together: both run the migrations at once, which must serialise (advisory lock).
    const env = { REFRESH_GRACE_SECONDS: '1', OTP_SEND_LIMIT_PER_IP_PER_HOUR: '1000' };
    servers = await Promise.all([startServer({ databaseUrl: db.url, env }), startServer({ databaseUrl: db.url, env })]);
    a = client(servers[0]!.url);
    b = client(servers[1]!.url);
  });

  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it('otpSend_alternatingInstances_limitOfThreePerHourHolds', async () => {
    const phone = phoneNumber(1);
    for (let i = 0; i < 3; i++) {
      expect((await via(i).request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } })).status).toBe(200);
    }
    for (let i = 3; i < 5; i++) {
      const refused = await via(i).request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ success: false, error: 'RATE_LIMIT_EXCEEDED' });
      expect(refused.body.retryAfter).toBeGreaterThan(3000);
    }
    const rows = await queryOnce<{ n: number }>(db.url, 'SELECT COUNT(*)::int AS n FROM otp_codes WHERE phone_number = $1', [phone]);
    expect(rows[0]!.n).toBe(3);
  });

  it('otpSend_twentyConcurrentOnBothInstances_exactlyThreeSucceed', async () => {
    const phone = phoneNumber(2);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => via(i).request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(3);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(17);
  });

  it('login_fiveFailuresSpreadOverInstances_locksTheNumberOnBoth', async () => {
    const phone = phoneNumber(3);
    await register(a, phone, 'SecurePass123');
    for (let i = 0; i < 5; i++) {
      const wrong = await via(i).request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'WrongPass123' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('INVALID_CREDENTIALS');
    }
    // locked now, even with the right password, on either instance
    for (const c of [b, a]) {
      const locked = await c.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'SecurePass123' } });
      expect(locked.status).toBe(429);
      expect(locked.body.error).toBe('RATE_LIMIT_EXCEEDED');
    }
  });

  it('refresh_rotatedOnOneReplayedOnTheOther_graceThenFamilyRevoked', async () => {
    const session = await signInWithOtp(a, phoneNumber(4), 'device-0001', b);
    const rotated = await a.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);
    // a lost response retried on the other instance within the grace window: the same successor
    const replay = await b.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(replay.status).toBe(200);
    expect(replay.body.refreshToken).toBe(rotated.body.refreshToken);

    await sleep(1_300); // REFRESH_GRACE_SECONDS=1
    const reused = await b.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.error).toBe('TOKEN_REUSED');
    expect((await a.request('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).body.error).toBe('INVALID_TOKEN');
    expect((await a.request('GET', '/v1/user/profile', { token: rotated.body.accessToken })).status).toBe(401);
    expect((await b.request('GET', '/v1/user/profile', { token: session.accessToken })).status).toBe(401);
  });

  it('refresh_twentyConcurrentUsesOnBothInstances_rotateExactlyOnce', async () => {
    const session = await signInWithOtp(a, phoneNumber(5));
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => via(i).request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(replies.map((r) => r.body.refreshToken)).size).toBe(1);
    const rows = await queryOnce<{ n: number }>(db.url, 'SELECT COUNT(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [session.userId]);
    expect(rows[0]!.n).toBe(2);
  });

  it('stats_repeatedAndOutOfOrderOnBothInstances_countedOnce', async () => {
    const session = await signInWithOtp(b, phoneNumber(6));
    const vpn = await connectVpn(a, session.accessToken);
    const report = (c: Client, n: number) =>
      c.request('POST', '/v1/vpn/stats', { token: session.accessToken, body: { sessionId: vpn, bytesIn: n * 1000, bytesOut: n * 10, duration: n } });
    // in order, then retries and stale reports, each on alternating instances
    for (const [i, n] of [100, 200, 200, 150, 300, 300, 250, 100].entries()) expect((await report(via(i), n)).status).toBe(200);
    // the same final report sent 10 times at once to both
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => report(via(i), 400)));
    expect(burst.every((r) => r.status === 200)).toBe(true);
    for (const c of [a, b]) {
      const usage = await c.request('GET', '/v1/vpn/stats', { token: session.accessToken });
      expect(usage.body.usage).toMatchObject({ totalBytesIn: 400_000, totalBytesOut: 4_000, usedData: 404_000 });
    }
    const rows = await queryOnce<{ bytes_in: string; duration: string }>(db.url, 'SELECT bytes_in, duration FROM vpn_sessions WHERE id = $1', [vpn]);
    expect(rows[0]).toEqual({ bytes_in: '400000', duration: '400' });
  });

  // Each instance caches live sessions (server/auth/session.cache.ts): a revocation on one
  // instance must stop the session's access tokens on the other within 1 s, and at once on
  // the instance that handled it.
  const revocations: [string, (c: Client, token: string) => Promise<void>][] = [
    ['logout', async (c, token) => void expect((await c.request('POST', '/v1/auth/logout', { token })).status).toBe(200)],
    [
      'revokeDevice',
      async (c, token) => {
        const me = await c.request('GET', '/v1/user/profile', { token });
        // from a second device of the same user, so the revoking session itself stays live
        const other = await c.request('POST', '/v1/auth/login', {
          body: { phoneNumber: me.body.user.phoneNumber, password: 'SecurePass123', deviceId: 'device-0002' },
        });
        const devices = await c.request('GET', '/v1/user/devices', { token: other.body.accessToken });
        const id = (devices.body.devices as { id: string; deviceId: string }[]).find((d) => d.deviceId === 'device-0001')!.id;
        expect((await c.request('DELETE', `/v1/user/devices/${id}`, { token: other.body.accessToken })).status).toBe(200);
      },
    ],
    [
      'changePassword',
      async (c, token) =>
        void expect(
          (await c.request('POST', '/v1/user/password', { token, body: { currentPassword: 'SecurePass123', newPassword: 'NewerPass456' } })).status,
        ).toBe(200),
    ],
    [
      'deleteAccount',
      async (c, token) => void expect((await c.request('DELETE', '/v1/user/account', { token, body: { currentPassword: 'SecurePass123' } })).status).toBe(200),
    ],
  ];
  for (const [index, [name, revoke]] of revocations.entries()) {
    it(`${name}_onOneInstance_tokensRefusedThereAtOnceAndOnTheOtherWithinOneSecond`, async () => {
      const phone = phoneNumber(20 + index);
      const session = await register(a, phone, 'SecurePass123');
      // both instances have the session in their cache now
      for (const c of [a, b, a, b]) expect((await c.request('GET', '/v1/user/profile', { token: session.accessToken })).status).toBe(200);

      await revoke(a, session.accessToken);
      const revokedAt = performance.now();
      expect((await a.request('GET', '/v1/user/profile', { token: session.accessToken })).status).toBe(401);
      let delay = Number.POSITIVE_INFINITY;
      while (performance.now() - revokedAt < 5_000) {
        if ((await b.request('GET', '/v1/user/profile', { token: session.accessToken })).status === 401) {
          delay = performance.now() - revokedAt;
          break;
        }
        await sleep(10);
      }
      expect(delay).toBeLessThan(1_000);
    });
  }
});
