import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore, VpnReporter, type ReportedSession, type TrafficCounters } from '../src/index.ts';
import { apiError, fakeApi, fakeJwt, fakeRefreshToken, json, testClient } from './fake-api.ts';

const START = Date.parse('2025-10-14T10:00:00Z');
const MIN = 60_000;
const SESSION = 'vpn_5Tg7Hj9Kl2Mn4Pq6Rs8U';
const USAGE = { success: true, usage: { totalBytesIn: 0, totalBytesOut: 0, usedData: 0, dataQuota: 10, remainingQuota: 10, quotaExceeded: false } };

/** A VPN backend that can be switched offline and records what it got. */
function vpnServer() {
  const state = { online: true, loseAnswers: false, statuses: [] as unknown[], stats: [] as Array<{ bytesIn: number; duration: number }>, maxBytesIn: 0 };
  const offline = () => Promise.reject(new TypeError('fetch failed'));
  const api = fakeApi({
    'POST /v1/vpn/status': (call) => {
      if (!state.online) return offline();
      state.statuses.push(call.body);
      const body = call.body as { status: string; sessionId?: string };
      return json(200, { success: true, sessionId: body.sessionId ?? SESSION, status: body.status });
    },
    'POST /v1/vpn/stats': (call) => {
      if (!state.online) return offline();
      const body = call.body as { bytesIn: number; duration: number };
      state.stats.push({ bytesIn: body.bytesIn, duration: body.duration });
      state.maxBytesIn = Math.max(state.maxBytesIn, body.bytesIn); // the server keeps the max
      return state.loseAnswers ? offline() : json(200, USAGE);
    },
  });
  return { api, state };
}

function setup(options: { persist?: (s: ReportedSession[]) => void; initialState?: ReportedSession[]; onError?: (e: unknown) => void } = {}) {
  const server = vpnServer();
  const counters: TrafficCounters = { bytesIn: 0, bytesOut: 0 };
  const { client } = testClient(server.api.fetch, {
    tokenStore: new MemoryTokenStore({ accessToken: fakeJwt(START + 24 * 60 * MIN), refreshToken: fakeRefreshToken(1) }),
    retry: { retries: 0 },
  });
  const reporter = new VpnReporter({ vpn: client.vpn, readCounters: () => ({ ...counters }), platform: 'linux', appVersion: '1.0.0', ...options });
  return { ...server, counters, reporter };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('VpnReporter', () => {
  it('reports CONNECTED, cumulative stats every 5 minutes, then final stats and DISCONNECTED', async () => {
    const { reporter, state, counters } = setup();
    await reporter.report('CONNECTED', { locationId: 'us-east-1' });
    expect(reporter.sessionId).toBe(SESSION);
    expect(state.statuses[0]).toMatchObject({
      status: 'CONNECTED',
      locationId: 'us-east-1',
      platform: 'linux',
      appVersion: '1.0.0',
      connectedAt: '2025-10-14T10:00:00.000Z',
    });
    expect(state.statuses[0]).not.toHaveProperty('sessionId');

    counters.bytesIn = 1000;
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(state.stats).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.stats).toEqual([{ bytesIn: 1000, duration: 300 }]);

    counters.bytesIn = 2500;
    await vi.advanceTimersByTimeAsync(5 * MIN);
    counters.bytesIn = 2600;
    await vi.advanceTimersByTimeAsync(MIN);
    await reporter.disconnect();

    expect(state.stats).toEqual([
      { bytesIn: 1000, duration: 300 },
      { bytesIn: 2500, duration: 600 },
      { bytesIn: 2600, duration: 660 },
    ]);
    expect(state.statuses.at(-1)).toEqual({ status: 'DISCONNECTED', sessionId: SESSION });
    expect(reporter.pending).toEqual([]);
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(state.stats).toHaveLength(3); // the timer stopped
  });

  it('a repeated CONNECTED updates the open session without restarting its duration', async () => {
    const { reporter, state, counters } = setup();
    await reporter.report('CONNECTING', { locationId: 'us-east-1' });
    await reporter.report('CONNECTED', { locationId: 'us-east-1' });
    await vi.advanceTimersByTimeAsync(2 * MIN);
    await reporter.report('CONNECTED', { locationId: 'us-east-1', localIp: '10.8.0.6' }); // e.g. after a tunnel renegotiation
    counters.bytesIn = 10;
    await vi.advanceTimersByTimeAsync(3 * MIN);
    expect(state.statuses.map((s) => (s as { sessionId?: string }).sessionId)).toEqual([undefined, SESSION, SESSION]);
    expect(state.stats).toEqual([{ bytesIn: 10, duration: 300 }]);
    reporter.dispose();
  });

  it('queues while offline and flushes later in order, sending only the newest cumulative totals', async () => {
    const { reporter, state, counters } = setup();
    state.online = false;
    await reporter.report('CONNECTED', { locationId: 'us-east-1' });
    for (const bytes of [100, 200, 300]) {
      counters.bytesIn = bytes;
      await vi.advanceTimersByTimeAsync(5 * MIN);
    }
    counters.bytesIn = 350;
    await reporter.disconnect();
    expect(state.statuses).toEqual([]);
    const pending = reporter.pending;
    expect(pending).toHaveLength(1);
    expect(pending[0]!.stats).toMatchObject({ bytesIn: 350 });
    expect(pending[0]!.statuses.map((s) => s.status)).toEqual(['CONNECTED', 'DISCONNECTED']);

    state.online = true;
    await reporter.flush();
    expect(state.statuses.map((s) => (s as { status: string }).status)).toEqual(['CONNECTED', 'DISCONNECTED']);
    expect(state.stats).toEqual([{ bytesIn: 350, duration: 900 }]);
    expect(reporter.pending).toEqual([]);
  });

  it('retries a failed flush on its own after the retry delay', async () => {
    const { reporter, state } = setup();
    state.online = false;
    await reporter.report('CONNECTED');
    state.online = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.statuses).toHaveLength(1);
    expect(reporter.sessionId).toBe(SESSION);
  });

  it('never double-counts: stats that reached the server but lost their answer are re-sent with the same totals', async () => {
    const { reporter, state, counters } = setup();
    await reporter.report('CONNECTED');
    counters.bytesIn = 500;
    state.loseAnswers = true;
    await vi.advanceTimersByTimeAsync(5 * MIN); // recorded by the server, but the client saw a network error
    expect(reporter.pending[0]!.stats).toMatchObject({ bytesIn: 500 });
    state.loseAnswers = false;
    await reporter.flush();
    await reporter.flush(); // nothing left: no third send
    expect(state.stats).toEqual([
      { bytesIn: 500, duration: 300 },
      { bytesIn: 500, duration: 300 },
    ]);
    expect(state.maxBytesIn).toBe(500); // cumulative + max: the session still counts 500 bytes, not 1000
    expect(reporter.pending[0]!.stats).toBeUndefined();
  });

  it('drops a report the server refuses for good and tells onError', async () => {
    const errors: unknown[] = [];
    const quota = fakeApi({ 'POST /v1/vpn/status': () => apiError(403, 'QUOTA_EXCEEDED') });
    const { client } = testClient(quota.fetch, {
      tokenStore: new MemoryTokenStore({ accessToken: fakeJwt(START + 60 * MIN), refreshToken: fakeRefreshToken(1) }),
    });
    const refused = new VpnReporter({ vpn: client.vpn, readCounters: () => ({ bytesIn: 1, bytesOut: 1 }), onError: (e) => errors.push(e) });
    await refused.report('CONNECTED');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(refused.pending).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(quota.count('POST', '/v1/vpn/stats')).toBe(0);
    refused.dispose();
  });

  it('persists the queue and resumes from it after a restart', async () => {
    let saved: ReportedSession[] = [];
    const first = setup({ persist: (s) => (saved = s) });
    first.state.online = false;
    await first.reporter.report('CONNECTED');
    first.counters.bytesIn = 42;
    await first.reporter.disconnect('ERROR');
    first.reporter.dispose();
    expect(saved).toHaveLength(1);

    const second = setup({ initialState: saved });
    await second.reporter.flush();
    expect(second.state.statuses.map((s) => (s as { status: string }).status)).toEqual(['CONNECTED', 'ERROR']);
    expect(second.state.stats).toEqual([{ bytesIn: 42, duration: 0 }]);
  });
});
