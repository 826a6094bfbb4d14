// PostgreSQL going away and coming back, simulated with a TCP proxy between the server and the
// shared cluster (stopping the cluster would break the other test files running beside this one).
// While it is gone /ready says so and requests get the 503 envelope quickly; when it returns the
// same process serves again, no restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, TEST_DATABASE_URL } from '../../server/db/testing.ts';
import { connectVpn, phoneNumber, signInWithOtp, type Session } from '../support/flows.ts';
import { client, type Client } from '../support/http.ts';
import { createDatabase, type TempDatabase } from '../support/postgres.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(DIALECTS.includes('postgres'))('PostgreSQL outage', () => {
  let db: TempDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let c: Client;

  beforeAll(async () => {
    db = await createDatabase();
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startServer({ databaseUrl: db.urlVia('127.0.0.1', proxy.port) });
    c = client(server.url);
  });

  afterAll(async () => {
    c?.close();
    await server?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('databaseGone_readyAndRequestsAnswer503_thenResumeWithoutRestart', async () => {
    const session: Session = await signInWithOtp(c, phoneNumber(300));
    const vpn = await connectVpn(c, session.accessToken);
    const stats = (n: number) =>
      c.request('POST', '/v1/vpn/stats', { token: session.accessToken, body: { sessionId: vpn, bytesIn: n, bytesOut: n, duration: n } });
    expect((await stats(10)).status).toBe(200);

    proxy.cut();
    const ready = await c.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
    expect(Number(ready.headers['retry-after'])).toBeGreaterThan(0);

    for (const reply of [
      await c.request('GET', '/v1/vpn/locations', { token: session.accessToken }),
      await c.request('GET', '/v1/user/profile', { token: session.accessToken }),
      await stats(20),
      await c.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } }),
    ]) {
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE', retryAfter: 5 });
      expect(reply.headers['retry-after']).toBe('5');
      expect(reply.ms).toBeLessThan(3_000); // refused quickly, not after a connect timeout
    }

    proxy.restore();
    const deadline = Date.now() + 15_000;
    while ((await c.request('GET', '/ready')).status !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(100);
    }
    expect((await c.request('GET', '/v1/vpn/locations', { token: session.accessToken })).status).toBe(200);
    expect((await stats(30)).status).toBe(200);
    const usage = await c.request('GET', '/v1/vpn/stats', { token: session.accessToken });
    expect(usage.body.usage.totalBytesIn).toBe(30);
    const refreshed = await c.request('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    // the same process all along
    expect(server.rssKiB()).toBeDefined();
    expect(server.logs().filter((line) => line.includes('"msg":"listening"'))).toHaveLength(1);
  }, 60_000);

  it('databaseGone_healthStillAnswers', async () => {
    proxy.cut();
    try {
      const health = await c.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ success: true, status: 'ok' });
    } finally {
      proxy.restore();
    }
  });
});
