import { describe, expect, it } from 'vitest';
import { AuthError, MemoryTokenStore, NetworkError, type ClientEvents } from '../src/index.ts';
import { apiError, fakeApi, fakeJwt, fakeRefreshToken, json, LOCATIONS, testClient } from './fake-api.ts';

const NOW = Date.parse('2025-10-14T10:00:00Z');
const HOUR = 3_600_000;

/** A server that accepts only `valid` as access token and rotates refresh tokens. */
function rotatingServer(options: { refresh?: () => Response | Promise<Response> } = {}) {
  const state = { valid: fakeJwt(NOW + 2 * HOUR, 'second'), next: fakeRefreshToken(2) };
  const api = fakeApi({
    'GET /v1/vpn/locations': (call) => (call.authorization === `Bearer ${state.valid}` ? json(200, LOCATIONS) : apiError(401, 'TOKEN_EXPIRED')),
    'POST /v1/vpn/stats': (call) =>
      call.authorization === `Bearer ${state.valid}`
        ? json(200, { success: true, usage: { totalBytesIn: 1, totalBytesOut: 1, usedData: 2, dataQuota: 10, remainingQuota: 8, quotaExceeded: false } })
        : apiError(401, 'INVALID_TOKEN'),
    'POST /v1/auth/refresh': async () => {
      if (options.refresh) return options.refresh();
      await new Promise((r) => setTimeout(r, 5)); // long enough for every request to meet its 401 first
      return json(200, { success: true, accessToken: state.valid, refreshToken: state.next, tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000 });
    },
  });
  return { api, state };
}

function signedInStore() {
  return new MemoryTokenStore({ accessToken: fakeJwt(NOW + HOUR, 'first'), refreshToken: fakeRefreshToken(1) });
}

describe('auth middleware', () => {
  it('sends the bearer token on protected operations and none on public ones', async () => {
    const api = fakeApi({
      'GET /v1/vpn/locations': () => json(200, LOCATIONS),
      'POST /v1/auth/otp/send': () => json(200, { success: true, message: 'sent', expiresIn: 600, sessionId: 'otp_4kT9pQ2xWm7RbN3vLc8Z' }),
    });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    await client.vpn.listLocations();
    await client.auth.sendOtp({ phoneNumber: '+14155552671' });
    expect(api.calls[0]!.authorization).toBe(`Bearer ${store.get()!.accessToken}`);
    expect(api.calls[1]!.authorization).toBeNull();
  });

  it('10 concurrent requests meeting 401 share exactly one refresh, each is replayed once and all succeed', async () => {
    const { api, state } = rotatingServer();
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    const seen: ClientEvents['tokens'][] = [];
    client.on('tokens', (t) => seen.push(t));

    const results = await Promise.all(Array.from({ length: 10 }, () => client.vpn.listLocations()));

    expect(results.every((r) => r.locations[0]!.id === 'us-east-1')).toBe(true);
    expect(api.count('POST', '/v1/auth/refresh')).toBe(1);
    expect(api.count('GET', '/v1/vpn/locations')).toBe(20); // 10 rejected + 10 replays, no more
    expect(api.calls.find((c) => c.path === '/v1/auth/refresh')!.body).toEqual({ refreshToken: fakeRefreshToken(1) });
    expect(store.get()).toMatchObject({ accessToken: state.valid, refreshToken: state.next }); // rotated token saved
    expect(seen).toHaveLength(1);
  });

  it('replays a POST body intact after the refresh', async () => {
    const { api } = rotatingServer();
    const { client } = testClient(api.fetch, { tokenStore: signedInStore(), now: () => NOW });
    const report = { sessionId: 'vpn_5Tg7Hj9Kl2Mn4Pq6Rs8U', bytesIn: 1048576, bytesOut: 524288, duration: 120 };
    await client.vpn.reportTrafficStats(report);
    const posts = api.calls.filter((c) => c.path === '/v1/vpn/stats');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toEqual(report);
  });

  it('a refused refresh clears the tokens, emits `unauthenticated` once and fails every waiting request', async () => {
    const { api } = rotatingServer({ refresh: () => apiError(401, 'TOKEN_REUSED') });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    const events: ClientEvents['unauthenticated'][] = [];
    client.on('unauthenticated', (e) => events.push(e));

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.vpn.listLocations()));

    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthError)).toBe(true);
    expect(api.count('POST', '/v1/auth/refresh')).toBe(1);
    expect(store.get()).toBeNull();
    expect(events).toHaveLength(1);
    expect(events[0]!.reason).toBe('TOKEN_REUSED');
  });

  it('keeps the tokens when the refresh fails only because the backend is unreachable', async () => {
    const { api } = rotatingServer({ refresh: () => Promise.reject(new TypeError('fetch failed')) });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW, retry: { retries: 0 } });
    let signedOut = false;
    client.on('unauthenticated', () => (signedOut = true));

    await expect(client.vpn.listLocations()).rejects.toBeInstanceOf(NetworkError);
    expect(store.get()?.refreshToken).toBe(fakeRefreshToken(1));
    expect(signedOut).toBe(false);
  });

  it('replays only once: a second 401 is returned as an AuthError', async () => {
    const api = fakeApi({
      'GET /v1/vpn/locations': () => apiError(401, 'INVALID_TOKEN'),
      'POST /v1/auth/refresh': () =>
        json(200, {
          success: true,
          accessToken: fakeJwt(NOW + HOUR),
          refreshToken: fakeRefreshToken(2),
          tokenType: 'Bearer',
          expiresIn: 3600,
          refreshExpiresIn: 1,
        }),
    });
    const { client } = testClient(api.fetch, { tokenStore: signedInStore(), now: () => NOW });
    await expect(client.vpn.listLocations()).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(api.count('GET', '/v1/vpn/locations')).toBe(2);
    expect(api.count('POST', '/v1/auth/refresh')).toBe(1);
  });

  it('a replayed changePassword stores the new token pair its answer carries', async () => {
    // after a JWT secret rotation: the old access token is refused, the refresh works, and the
    // replayed password change answers with the pair that must replace the refreshed one
    const refreshed = fakeJwt(NOW + 2 * HOUR, 'refreshed');
    const changed = { accessToken: fakeJwt(NOW + 2 * HOUR, 'changed'), refreshToken: fakeRefreshToken(3) };
    const api = fakeApi({
      'POST /v1/auth/refresh': () =>
        json(200, {
          success: true,
          accessToken: refreshed,
          refreshToken: fakeRefreshToken(2),
          tokenType: 'Bearer',
          expiresIn: 3600,
          refreshExpiresIn: 2592000,
        }),
      'POST /v1/user/password': (call) =>
        call.authorization === `Bearer ${refreshed}`
          ? json(200, { success: true, user: null, ...changed, tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000, needsProfile: false })
          : apiError(401, 'INVALID_TOKEN'),
    });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    const seen: ClientEvents['tokens'][] = [];
    client.on('tokens', (t) => seen.push(t));
    await client.user.changePassword({ currentPassword: 'SecurePass123', newPassword: 'NewerPass456' }).catch(() => undefined);
    expect(api.count('POST', '/v1/user/password')).toBe(2);
    expect(store.get()).toMatchObject(changed);
    expect(seen.at(-1)).toMatchObject(changed);
  });

  it('a replayed logout signs out', async () => {
    const fresh = fakeJwt(NOW + 2 * HOUR, 'fresh');
    const api = fakeApi({
      'POST /v1/auth/refresh': () =>
        json(200, { success: true, accessToken: fresh, refreshToken: fakeRefreshToken(2), tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 2592000 }),
      'POST /v1/auth/logout': (call) =>
        call.authorization === `Bearer ${fresh}` ? json(200, { success: true, message: 'Logged out' }) : apiError(401, 'INVALID_TOKEN'),
    });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    const events: ClientEvents['unauthenticated'][] = [];
    client.on('unauthenticated', (e) => events.push(e));
    await client.auth.logout();
    expect(api.count('POST', '/v1/auth/logout')).toBe(2);
    expect(store.get()).toBeNull();
    expect(events).toEqual([{ reason: 'LOGOUT' }]);
  });

  it('does not refresh on a wrong current password (INVALID_CREDENTIALS)', async () => {
    const api = fakeApi({ 'POST /v1/user/password': () => apiError(401, 'INVALID_CREDENTIALS') });
    const { client } = testClient(api.fetch, { tokenStore: signedInStore(), now: () => NOW });
    await expect(client.user.changePassword({ currentPassword: 'wrong', newPassword: 'NewPass123' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(api.count('POST', '/v1/auth/refresh')).toBe(0);
  });

  it('refreshes proactively when the JWT expires within 5 minutes, not before', async () => {
    const { api, state } = rotatingServer();
    let now = NOW + HOUR - 6 * 60_000; // 6 min before the first token's exp
    const { client } = testClient(api.fetch, { tokenStore: signedInStore(), now: () => now });
    await client.vpn.listLocations().catch(() => {}); // old token: server says 401 then refresh+replay
    api.calls.length = 0;
    // now the stored token is `valid` (exp NOW+2h); move to 4 min before it expires
    now = NOW + 2 * HOUR - 4 * 60_000;
    state.valid = fakeJwt(NOW + 3 * HOUR, 'third');
    state.next = fakeRefreshToken(3);
    await client.vpn.listLocations();
    expect(api.calls.map((c) => c.path)).toEqual(['/v1/auth/refresh', '/v1/vpn/locations']);
    expect(api.calls[1]!.authorization).toBe(`Bearer ${state.valid}`);
  });

  it('falls back to expiresIn when the access token carries no exp claim', async () => {
    const opaque = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'; // the contract's example: no exp
    const api = fakeApi({
      'POST /v1/auth/login': () =>
        json(200, {
          success: true,
          user: {},
          accessToken: opaque,
          refreshToken: fakeRefreshToken(1),
          tokenType: 'Bearer',
          expiresIn: 3600,
          refreshExpiresIn: 1,
          needsProfile: false,
        }),
      'POST /v1/auth/refresh': () =>
        json(200, { success: true, accessToken: opaque + 'x', refreshToken: fakeRefreshToken(2), tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 1 }),
      'GET /v1/vpn/locations': () => json(200, LOCATIONS),
    });
    let now = NOW;
    const store = new MemoryTokenStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => now });
    await client.loginWithPassword({ phoneNumber: '+14155552671', password: 'SecurePass123!' });
    expect(store.get()).toEqual({ accessToken: opaque, refreshToken: fakeRefreshToken(1), accessTokenExpiresAt: NOW + HOUR });
    now = NOW + HOUR - 60_000;
    await client.vpn.listLocations();
    expect(api.count('POST', '/v1/auth/refresh')).toBe(1);
    expect(store.get()?.refreshToken).toBe(fakeRefreshToken(2));
  });

  it('a proactive refresh that is refused signs out and fails the request without sending it', async () => {
    const api = fakeApi({ 'POST /v1/auth/refresh': () => apiError(401, 'TOKEN_EXPIRED'), 'GET /v1/vpn/locations': () => json(200, LOCATIONS) });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW + HOUR - 60_000 });
    const reasons: string[] = [];
    client.on('unauthenticated', (e) => reasons.push(e.reason));
    await expect(client.vpn.listLocations()).rejects.toBeInstanceOf(AuthError);
    expect(api.count('GET', '/v1/vpn/locations')).toBe(0);
    expect(store.get()).toBeNull();
    expect(reasons).toEqual(['TOKEN_EXPIRED']);
  });

  it('logout revokes on the server, clears the store and emits LOGOUT', async () => {
    const api = fakeApi({ 'POST /v1/auth/logout': () => json(200, { success: true, message: 'Logged out successfully' }) });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    const reasons: string[] = [];
    client.on('unauthenticated', (e) => reasons.push(e.reason));
    await client.logout();
    expect(api.calls[0]!.authorization).toMatch(/^Bearer /);
    expect(store.get()).toBeNull();
    expect(reasons).toEqual(['LOGOUT']);
  });

  it('logout offline still clears local tokens and reports that the server was not told', async () => {
    const api = fakeApi({ 'POST /v1/auth/logout': () => Promise.reject(new TypeError('fetch failed')) });
    const store = signedInStore();
    const { client } = testClient(api.fetch, { tokenStore: store, now: () => NOW });
    await expect(client.logout()).rejects.toBeInstanceOf(NetworkError);
    expect(store.get()).toBeNull();
    expect(api.count('POST', '/v1/auth/logout')).toBe(1); // a POST: not retried
  });
});
