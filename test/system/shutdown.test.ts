// SIGTERM: /ready says 503 at once, the instance keeps answering for the drain period
// (SHUTDOWN_DRAIN_MS; a second signal ends it early), then closes its listener; every request
// sent before the close gets its real answer, and the process exits 0 (server/main.ts). Each
// step waits for the server's own log line or a second signal, never for a fixed time, so the
// test holds on a busy machine.
import { removeSqlite } from '../../server/db/testing.ts';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { phoneNumber, register } from '../support/flows.ts';
import { client, type Reply } from '../support/http.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const file = join(tmpdir(), `barqnet-shutdown-${randomUUID()}.db`);
const LOGINS = 16;

async function logLine(server: ServerProcess, msg: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.logs().some((line) => line.includes(`"msg":"${msg}"`))) {
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('graceful shutdown', () => {
  afterAll(() => {
    removeSqlite(file);
  });

  it('sigterm_withSignInsInFlight_readyFailsThenAllAnsweredThenExitZero', async () => {
    // One hash at a time: 16 sign-ins take several hash times, so most are still queued at SIGTERM.
    // Attempts count against the lockout while their hash runs, so 16 at once need a higher limit.
    const server = await startServer({
      databaseUrl: `sqlite:${file}`,
      env: { HASH_CONCURRENCY: '1', LOGIN_MAX_FAILURES: '100', SHUTDOWN_DRAIN_MS: '600000', SHUTDOWN_TIMEOUT_MS: '30000' },
    });
    const c = client(server.url);
    try {
      const phone = phoneNumber(200);
      await register(c, phone, 'SecurePass123');

      const answered: Reply[] = [];
      const logins = Array.from({ length: LOGINS }, () =>
        c.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'SecurePass123' }, timeoutMs: 60_000 }).then((r) => {
          answered.push(r);
          return r;
        }),
      );
      // wait until the first answer proves the sign-ins are being processed, then stop the server
      const deadline = Date.now() + 20_000;
      while (answered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      const answeredBeforeSignal = answered.length;
      const exited = server.stop('SIGTERM', 60_000);

      // draining: not ready, but still answering new connections with real answers
      await logLine(server, 'shutdown');
      const during = client(server.url);
      const ready = await during.request('GET', '/ready');
      const health = await during.request('GET', '/health');
      during.close();
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
      expect(ready.headers.connection).toBe('close');
      expect(health.status).toBe(200);

      // a second signal ends the drain; then the listener is closed: a new connection is refused
      void server.stop('SIGTERM', 60_000);
      await logLine(server, 'shutdown.listener_closed');
      const after = client(server.url);
      await expect(after.request('GET', '/health', { timeoutMs: 5_000 })).rejects.toThrow(/ECONNREFUSED/);
      after.close();

      const replies = await Promise.all(logins);
      const exit = await exited;
      // the test only means something if sign-ins were still in flight at the signal
      expect(answeredBeforeSignal).toBeLessThan(LOGINS);
      expect(replies.map((r) => r.status)).toEqual(Array(LOGINS).fill(200));
      expect(replies.every((r) => typeof r.body.accessToken === 'string')).toBe(true);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.logs().some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    } finally {
      c.close();
      await server.stop('SIGKILL');
    }
  }, 120_000);

  it('sigterm_idle_drainPeriodEndsThenExitZero', async () => {
    const server = await startServer({ databaseUrl: 'sqlite::memory:', env: { SHUTDOWN_DRAIN_MS: '300' } });
    try {
      const exit = await server.stop('SIGTERM', 60_000);
      expect(exit).toEqual({ code: 0, signal: null });
      const order = server
        .logs()
        .map((line) => (JSON.parse(line) as { msg: string }).msg)
        .filter((msg) => msg.startsWith('shutdown') || msg === 'stopped');
      expect(order).toEqual(['shutdown', 'shutdown.listener_closed', 'stopped']);
    } finally {
      await server.stop('SIGKILL');
    }
  }, 60_000);

  it('port_inUse_oneLineConfigurationError', async () => {
    const first = await startServer({ databaseUrl: 'sqlite::memory:' });
    try {
      const port = new URL(first.url).port;
      await expect(startServer({ databaseUrl: 'sqlite::memory:', env: { PORT: port } })).rejects.toThrow(
        new RegExp(`configuration error: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use \\(set PORT to another one\\)\\n$`),
      );
    } finally {
      await first.stop('SIGKILL');
    }
  }, 60_000);
});
