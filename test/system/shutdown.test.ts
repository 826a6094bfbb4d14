// SIGTERM: the listening socket closes at once, requests already in flight finish with their
// real answers, then the process exits 0 (server/main.ts shutdown).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { phoneNumber, register } from '../support/flows.ts';
import { client, type Reply } from '../support/http.ts';
import { startServer } from '../support/server-process.ts';

const file = join(tmpdir(), `barqnet-shutdown-${randomUUID()}.db`);
const LOGINS = 16;

describe('graceful shutdown', () => {
  afterAll(() => {
    for (const suffix of ['', '-wal', '-shm', '-limits', '-limits-wal', '-limits-shm']) rmSync(file + suffix, { force: true });
  });

  it('sigterm_withSignInsInFlight_theyAllFinishThenExitZero', async () => {
    // One hash at a time: 16 sign-ins take several hash times, so most are still queued at SIGTERM.
    // Attempts count against the lockout while their hash runs, so 16 at once need a higher limit.
    const server = await startServer({ databaseUrl: `sqlite:${file}`, env: { HASH_CONCURRENCY: '1', LOGIN_MAX_FAILURES: '100' } });
    const c = client(server.url);
    try {
      const phone = phoneNumber(200);
      await register(c, phone, 'SecurePass123');

      const answered: Reply[] = [];
      const logins = Array.from({ length: LOGINS }, () =>
        c.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'SecurePass123' }, timeoutMs: 20_000 }).then((r) => {
          answered.push(r);
          return r;
        }),
      );
      // wait until the first answer proves the sign-ins are being processed, then stop the server
      const deadline = Date.now() + 10_000;
      while (answered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      const answeredBeforeSignal = answered.length;
      const signalled = performance.now();
      const exited = server.stop('SIGTERM', 20_000);

      // new connections are refused straight away
      await new Promise((resolve) => setTimeout(resolve, 50));
      const fresh = client(server.url);
      await expect(fresh.request('GET', '/health', { timeoutMs: 2_000 })).rejects.toThrow(/ECONNREFUSED/);
      fresh.close();

      const replies = await Promise.all(logins);
      const exit = await exited;
      expect(answeredBeforeSignal).toBeLessThan(LOGINS / 2);
      expect(replies.map((r) => r.status)).toEqual(Array(LOGINS).fill(200));
      expect(replies.every((r) => typeof r.body.accessToken === 'string')).toBe(true);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.logs().some((line) => line.includes('"msg":"stopped"'))).toBe(true);
      // well inside the forced-exit timeout (SHUTDOWN_TIMEOUT_MS, 10 s)
      expect(performance.now() - signalled).toBeLessThan(9_000);
    } finally {
      c.close();
      await server.stop('SIGKILL');
    }
  }, 60_000);
});
