import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, type Db } from '../db/index.ts';
import { DIALECTS } from '../db/testing.ts';
import { startHarness, type Harness } from '../test/harness.ts';

/** The database as the app sees it during an outage: every query fails the way the driver layer reports it. */
function outage(db: Db): Db & { down: boolean } {
  const state = { down: false };
  const fail = () => Promise.reject(new DatabaseUnavailableError('database unavailable: connect ECONNREFUSED'));
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'down') return state.down;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (['all', 'one', 'run', 'ping', 'transaction'].includes(prop as string)) {
        return (...args: unknown[]) => (state.down ? fail() : (value as (...a: unknown[]) => unknown).apply(target, args));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
    set(_target, prop, value) {
      if (prop !== 'down') return false;
      state.down = Boolean(value);
      return true;
    },
  }) as Db & { down: boolean };
}

for (const dialect of DIALECTS) {
  describe(`health and readiness [${dialect}]`, () => {
    let h: Harness;
    let db: Db & { down: boolean };
    beforeEach(async () => {
      h = await startHarness(dialect, { APP_VERSION: '2.3.4' }, { wrapDb: (fresh) => (db = outage(fresh)) });
    });
    afterEach(async () => h.close());

    it('getHealth_running_isOkWithVersionAndNoAuth', async () => {
      const res = await h.request('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, status: 'ok', version: '2.3.4', uptime: expect.any(Number) });
      expect(res.body.uptime).toBeGreaterThanOrEqual(0);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('getReadiness_databaseUp_isReady', async () => {
      const res = await h.request('GET', '/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, status: 'ready', checks: { database: 'ok' } });
    });

    it('getReadiness_databaseDown_is503WithRetryAfter', async () => {
      db.down = true;
      const res = await h.request('GET', '/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE', retryAfter: 5 });
      expect(res.headers.get('retry-after')).toBe('5');
      db.down = false;
      expect((await h.request('GET', '/ready')).status).toBe(200);
    });

    it('getHealth_databaseDown_staysOk', async () => {
      // Liveness never touches the database (docs/operations.md): a database outage must not get every instance restarted.
      db.down = true;
      const res = await h.request('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    });

    it('anyRoute_databaseDown_is503NotA500', async () => {
      db.down = true;
      const send = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+14155552671' } });
      expect(send.status).toBe(503);
      expect(send.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE' });
      expect(send.headers.get('retry-after')).toBe('5');
      expect(h.outbox.latest('+14155552671')).toBeUndefined();
    });
  });
}
