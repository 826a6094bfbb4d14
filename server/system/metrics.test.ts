// The metrics move by exactly what a scripted real flow did: scraped over HTTP from the metrics
// listener before and after, on each dialect.
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { startHarness, type Harness } from '../test/harness.ts';
import { metricsServer } from './metrics.server.ts';

/** `name{labels}` -> value, for every sample of a Prometheus text exposition. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

for (const dialect of DIALECTS) {
  describe(`metrics (${dialect})`, () => {
    let h: Harness;
    let metrics: Metrics;
    let scrapeUrl: string;
    let close: () => void;
    beforeEach(async () => {
      metrics = createMetrics();
      h = await startHarness(dialect, { OTP_SEND_LIMIT_PER_HOUR: '2' }, { metrics });
      const server = metricsServer(metrics.registry);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      scrapeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      close = () => server.close();
    });
    afterEach(async () => {
      close();
      await h.close();
    });
    const scrape = async () => {
      const response = await fetch(scrapeUrl);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parse(await response.text());
    };

    it('metrics_scriptedFlow_eachCounterMovesByExactlyWhatHappened', async () => {
      const before = await scrape();
      const phone = '+14155552671';
      const signedUp = await h.register(phone); // send, verify, register
      const login = await h.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'SecurePass123', deviceId: 'laptop-0001' } });
      expect(login.status).toBe(200);
      const wrong = await h.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'WrongPass123' } });
      expect(wrong.status).toBe(401);
      const rotated = await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(rotated.status).toBe(200);
      h.clock.advance(60_000); // past the grace window: presenting the old token again is reuse
      const reused = await h.request('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(reused.body.error).toBe('TOKEN_REUSED');
      const badOtp = await h.request('POST', '/v1/auth/otp/verify', {
        body: { phoneNumber: '+442071838750', otp: '000000', sessionId: 'otp_4kT9pQ2xWm7RbN3vLc8Z' },
      });
      expect(badOtp.status).toBe(400);
      await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } }); // the 2nd this hour: allowed
      const limited = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } });
      expect(limited.status).toBe(429);
      expect(signedUp.success).toBe(true);
      const after = await scrape();

      const moved = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
      expect({
        sent: moved('barqnet_otp_sends_total{outcome="sent",country="1"}'),
        limited: moved('barqnet_otp_sends_total{outcome="rate_limited",country="1"}'),
        smsFailed: moved('barqnet_otp_sends_total{outcome="sms_failed",country="1"}'),
        verified: moved('barqnet_otp_verifications_total{outcome="success"}'),
        invalidOtp: moved('barqnet_otp_verifications_total{outcome="invalid"}'),
        registered: moved('barqnet_sign_ins_total{method="register",outcome="success"}'),
        passwordOk: moved('barqnet_sign_ins_total{method="password",outcome="success"}'),
        passwordBad: moved('barqnet_sign_ins_total{method="password",outcome="failure"}'),
        rotations: moved('barqnet_refresh_rotations_total{outcome="rotated"}'),
        reuse: moved('barqnet_refresh_rotations_total{outcome="reused"}'),
        lockouts: moved('barqnet_login_lockouts_total'),
        phoneLimit: moved('barqnet_rate_limit_refusals_total{limit="otp-phone"}'),
        sendOtp200: moved('barqnet_http_requests_total{operation="sendOtp",method="POST",status="200"}'),
        sendOtp429: moved('barqnet_http_requests_total{operation="sendOtp",method="POST",status="429"}'),
        refresh401: moved('barqnet_http_requests_total{operation="refreshToken",method="POST",status="401"}'),
        sendOtpTimed: moved('barqnet_http_request_duration_seconds_count{operation="sendOtp"}'),
        hashWaits: moved('barqnet_password_hash_waits_total'),
        hashRefusals: moved('barqnet_password_hash_refusals_total'),
      }).toEqual({
        sent: 2,
        limited: 1,
        smsFailed: 0,
        verified: 1,
        invalidOtp: 1,
        registered: 1,
        passwordOk: 1,
        passwordBad: 1,
        rotations: 1,
        reuse: 1,
        lockouts: 0,
        phoneLimit: 1,
        sendOtp200: 2,
        sendOtp429: 1,
        refresh401: 1,
        sendOtpTimed: 3,
        hashWaits: 0,
        hashRefusals: 0,
      });
      expect(after.get('barqnet_password_hash_queue{state="waiting"}')).toBe(0);
      expect(after.has('barqnet_nodejs_eventloop_lag_seconds')).toBe(true);
      expect(after.has('barqnet_nodejs_heap_size_used_bytes')).toBe(true);
      if (dialect === 'postgres') expect(after.has('barqnet_db_pool_connections{state="in_use"}')).toBe(true);
      else expect(moved('barqnet_db_sqlite_commit_batch_size_count{kind="transaction"}')).toBeGreaterThan(0);
    });

    it('metrics_smsFailureAndLockout_countedWithTheirLabels', async () => {
      const own = createMetrics({ defaults: false });
      const failing = await startHarness(
        dialect,
        { LOGIN_MAX_FAILURES: '1' },
        { metrics: own, sms: { send: () => Promise.reject(new Error('provider down')) } },
      );
      try {
        const phone = '+442071838750';
        expect((await failing.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } })).status).toBe(503);
        const login = () => failing.request('POST', '/v1/auth/login', { body: { phoneNumber: phone, password: 'WrongPass123' } });
        expect((await login()).status).toBe(401);
        expect((await login()).status).toBe(429);
        const after = parse(await own.registry.metrics());
        expect({
          smsFailed: after.get('barqnet_otp_sends_total{outcome="sms_failed",country="44"}'),
          failure: after.get('barqnet_sign_ins_total{method="password",outcome="failure"}'),
          locked: after.get('barqnet_sign_ins_total{method="password",outcome="locked"}'),
          lockouts: after.get('barqnet_login_lockouts_total'),
          loginLimit: after.get('barqnet_rate_limit_refusals_total{limit="login"}'),
          sent: after.get('barqnet_otp_sends_total{outcome="sent",country="44"}'),
        }).toEqual({ smsFailed: 1, failure: 1, locked: 1, lockouts: 1, loginLimit: 1, sent: undefined });
      } finally {
        await failing.close();
      }
    });

    it('metrics_otherPathsAndMethods_areRefused', async () => {
      expect((await fetch(scrapeUrl.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(scrapeUrl, { method: 'POST' })).status).toBe(405);
    });
  });
}
