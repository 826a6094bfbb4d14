// SIGKILL in the middle of a stream of stats uploads: after a restart on the same database,
// every upload the server acknowledged (200) is there. Stats are cumulative, so "there" means
// the stored total is at least the largest acknowledged value and at most the largest sent.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../../server/db/index.ts';
import { DIALECTS, removeSqlite } from '../../server/db/testing.ts';
import { connectVpn, phoneNumber, signInWithOtp, type Session } from '../support/flows.ts';
import { client } from '../support/http.ts';
import { createDatabase } from '../support/postgres.ts';
import { startServer } from '../support/server-process.ts';

const USERS = 6;
const WORKERS_PER_USER = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stream {
  session: Session;
  vpn: string;
  next: number;
  sent: number;
  acked: number;
}

/** Durability is under test, not the request limits: each stream uploads as fast as the machine allows. */
const UNLIMITED = { USER_RATE_LIMIT_PER_MINUTE: '1000000', IP_RATE_LIMIT_PER_MINUTE: '1000000' };

async function database(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'postgres') return createDatabase();
  const file = join(tmpdir(), `barqnet-crash-${randomUUID()}.db`);
  return {
    url: `sqlite:${file}`,
    drop: async () => {
      removeSqlite(file);
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`crash during uploads [${dialect}]`, () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    it('statsStream_sigkill_noAcknowledgedUploadLostAfterRestart', async () => {
      const db = await database(dialect);
      cleanup.push(() => db.drop());
      const first = await startServer({ databaseUrl: db.url, env: UNLIMITED });
      cleanup.push(() => first.stop('SIGKILL'));
      const c = client(first.url);
      cleanup.push(async () => c.close());

      const streams: Stream[] = [];
      for (let i = 0; i < USERS; i++) {
        const session = await signInWithOtp(c, phoneNumber(100 + i));
        streams.push({ session, vpn: await connectVpn(c, session.accessToken), next: 0, sent: 0, acked: 0 });
      }

      let stopped = false;
      let inFlight = 0;
      const upload = async (s: Stream) => {
        while (!stopped) {
          const n = ++s.next;
          s.sent = Math.max(s.sent, n);
          inFlight++;
          const reply = await c
            .request('POST', '/v1/vpn/stats', {
              token: s.session.accessToken,
              body: { sessionId: s.vpn, bytesIn: n * 1000, bytesOut: n, duration: n },
              timeoutMs: 5_000,
            })
            .catch(() => undefined)
            .finally(() => inFlight--);
          if (!reply) return; // the server is gone
          expect(reply.status).toBe(200);
          s.acked = Math.max(s.acked, n);
        }
      };
      const workers = streams.flatMap((s) => Array.from({ length: WORKERS_PER_USER }, () => upload(s)));

      // let the stream run, then kill the process without warning while uploads are in flight
      const deadline = Date.now() + 10_000;
      while (streams.some((s) => s.acked < 20) && Date.now() < deadline) await sleep(50);
      await sleep(200);
      const inFlightAtKill = inFlight;
      const exit = await first.stop('SIGKILL');
      stopped = true;
      await Promise.all(workers);
      expect(exit.signal).toBe('SIGKILL');
      expect(inFlightAtKill).toBeGreaterThan(0);
      expect(streams.every((s) => s.acked >= 20)).toBe(true);

      const second = await startServer({ databaseUrl: db.url, env: UNLIMITED });
      cleanup.push(() => second.stop());
      const after = client(second.url);
      cleanup.push(async () => after.close());
      for (const s of streams) {
        const usage = await after.request('GET', '/v1/vpn/stats', { token: s.session.accessToken });
        expect(usage.status).toBe(200);
        const stored = usage.body.usage.totalBytesIn / 1000;
        expect(stored).toBeGreaterThanOrEqual(s.acked);
        expect(stored).toBeLessThanOrEqual(s.sent);
      }
    }, 60_000);
  });
}
