import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, backoffDelay, createBarqnetClient, NetworkError, RateLimitError, ServerError, TimeoutError } from '../src/index.ts';
import { apiError, fakeApi, json, LOCATIONS, testClient } from './fake-api.ts';

const SENT = { success: true, message: 'sent', expiresIn: 600, sessionId: 'otp_4kT9pQ2xWm7RbN3vLc8Z' };
const USAGE = { success: true, usage: { totalBytesIn: 1, totalBytesOut: 1, usedData: 2, dataQuota: 10, remainingQuota: 8, quotaExceeded: false } };

/** Answers with `failures` in turn, then `ok`. */
function flaky(failures: Array<() => Response | Promise<Response>>, ok: () => Response | Promise<Response>) {
  let n = 0;
  return () => (n < failures.length ? failures[n++]!() : ok());
}

afterEach(() => {
  vi.useRealTimers();
});

describe('backoff schedule', () => {
  it('doubles from 1 s with equal jitter and caps at 30 s', () => {
    const max = (retry: number) => backoffDelay(retry, {}, () => 1);
    const min = (retry: number) => backoffDelay(retry, {}, () => 0);
    expect([0, 1, 2, 3, 4, 5, 6].map(max)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect([0, 1, 2].map(min)).toEqual([500, 1000, 2000]);
  });

  it('retries a GET on 503 three times with the backoff schedule, then succeeds', async () => {
    const api = fakeApi({
      'GET /v1/vpn/locations': flaky(
        [() => apiError(503, 'SERVICE_UNAVAILABLE'), () => apiError(502, 'SERVER_ERROR'), () => apiError(500, 'SERVER_ERROR')],
        () => json(200, LOCATIONS),
      ),
    });
    const { client, delays } = testClient(api.fetch);
    const result = await client.vpn.listLocations();
    expect(result.locations).toHaveLength(1);
    expect(api.calls).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('gives up after 3 retries and throws the last error', async () => {
    const api = fakeApi({ 'GET /v1/vpn/locations': () => apiError(503, 'MAINTENANCE') });
    const { client, delays } = testClient(api.fetch);
    await expect(client.vpn.listLocations()).rejects.toSatisfy((e) => e instanceof ServerError && e.code === 'MAINTENANCE');
    expect(api.calls).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('retries network errors and 408, then reports "backend not available"', async () => {
    const api = fakeApi({ 'GET /v1/vpn/locations': flaky([() => apiError(408, 'SERVER_ERROR')], () => Promise.reject(new TypeError('fetch failed'))) });
    const { client, delays } = testClient(api.fetch);
    const error = await client.vpn.listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe('backend not available');
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('does not retry client errors', async () => {
    const api = fakeApi({ 'GET /v1/vpn/config': () => apiError(404, 'NOT_FOUND') });
    const { client } = testClient(api.fetch);
    await expect(client.vpn.getVpnConfig({ locationId: 'xx-none-1' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(api.calls).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('waits the seconds the server asks instead of the backoff', async () => {
    const api = fakeApi({
      'GET /v1/vpn/locations': flaky([() => apiError(429, 'RATE_LIMIT_EXCEEDED', { retryAfter: 7 }, { 'Retry-After': '7' })], () => json(200, LOCATIONS)),
    });
    const { client, delays } = testClient(api.fetch);
    await client.vpn.listLocations();
    expect(delays).toEqual([7000]);
  });

  it('understands the HTTP-date form', async () => {
    const now = Date.parse('2025-10-14T10:00:00Z');
    const api = fakeApi({
      'GET /v1/vpn/locations': flaky([() => apiError(503, 'SERVICE_UNAVAILABLE', {}, { 'Retry-After': new Date(now + 12_000).toUTCString() })], () =>
        json(200, LOCATIONS),
      ),
    });
    const { client, delays } = testClient(api.fetch, { retry: { now: () => now } });
    await client.vpn.listLocations();
    expect(delays).toEqual([12000]);
  });

  it('does not wait out a Retry-After beyond the cap: throws RateLimitError with retryAfter', async () => {
    const api = fakeApi({ 'GET /v1/vpn/locations': () => apiError(429, 'RATE_LIMIT_EXCEEDED', { retryAfter: 3600 }, { 'Retry-After': '3600' }) });
    const { client, delays } = testClient(api.fetch);
    const error = await client.vpn.listLocations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(api.calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('honours Retry-After on the real clock (fake timers)', async () => {
    vi.useFakeTimers();
    const api = fakeApi({
      'GET /v1/vpn/locations': flaky([() => apiError(429, 'RATE_LIMIT_EXCEEDED', { retryAfter: 2 }, { 'Retry-After': '2' })], () => json(200, LOCATIONS)),
    });
    const client = createBarqnetClient({ baseUrl: 'http://api.test', fetch: api.fetch, retry: { random: () => 1 } });
    const pending = client.vpn.listLocations();
    await vi.advanceTimersByTimeAsync(1999);
    expect(api.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ success: true });
    expect(api.calls).toHaveLength(2);
  });

  it('spaces retries 1 s, 2 s, 4 s on the real clock (fake timers)', async () => {
    vi.useFakeTimers();
    const api = fakeApi({ 'GET /v1/user/devices': () => apiError(500, 'SERVER_ERROR') });
    const client = createBarqnetClient({ baseUrl: 'http://api.test', fetch: api.fetch, retry: { random: () => 1 } });
    const pending = client.user.listDevices().catch((e: unknown) => e);
    const at: number[] = [];
    for (const step of [999, 1, 1999, 1, 3999, 1]) {
      await vi.advanceTimersByTimeAsync(step);
      at.push(api.calls.length);
    }
    expect(at).toEqual([1, 2, 2, 3, 3, 4]);
    expect(await pending).toBeInstanceOf(ServerError);
  });
});

describe('idempotency', () => {
  it('never retries a plain POST (sendOtp) on 503 or a network error', async () => {
    const api503 = fakeApi({ 'POST /v1/auth/otp/send': () => apiError(503, 'SERVICE_UNAVAILABLE') });
    await expect(testClient(api503.fetch).client.auth.sendOtp({ phoneNumber: '+14155552671' })).rejects.toBeInstanceOf(ServerError);
    expect(api503.calls).toHaveLength(1);

    const apiDown = fakeApi({ 'POST /v1/auth/otp/send': () => Promise.reject(new TypeError('fetch failed')) });
    await expect(testClient(apiDown.fetch).client.auth.sendOtp({ phoneNumber: '+14155552671' })).rejects.toBeInstanceOf(NetworkError);
    expect(apiDown.calls).toHaveLength(1);
  });

  it('retries the cumulative stats POST, which the server makes idempotent, with the same body', async () => {
    const api = fakeApi({ 'POST /v1/vpn/stats': flaky([() => apiError(503, 'SERVICE_UNAVAILABLE')], () => json(200, USAGE)) });
    const { client } = testClient(api.fetch);
    const report = { sessionId: 'vpn_5Tg7Hj9Kl2Mn4Pq6Rs8U', bytesIn: 10, bytesOut: 20, duration: 300 };
    await client.vpn.reportTrafficStats(report);
    expect(api.calls.map((c) => c.body)).toEqual([report, report]);
  });

  it('retries a status report only when it updates a known session', async () => {
    const api = fakeApi({ 'POST /v1/vpn/status': () => apiError(502, 'SERVER_ERROR') });
    const { client } = testClient(api.fetch);
    await expect(client.vpn.reportConnectionStatus({ status: 'CONNECTED' })).rejects.toBeInstanceOf(ServerError);
    expect(api.calls).toHaveLength(1); // opening a session: not idempotent
    await expect(client.vpn.reportConnectionStatus({ status: 'DISCONNECTED', sessionId: 'vpn_5Tg7Hj9Kl2Mn4Pq6Rs8U' })).rejects.toBeInstanceOf(ServerError);
    expect(api.calls).toHaveLength(5);
  });

  it('the raw surface can mark a POST idempotent', async () => {
    const api = fakeApi({ 'POST /v1/auth/otp/send': flaky([() => apiError(503, 'SERVICE_UNAVAILABLE')], () => json(200, SENT)) });
    const { client } = testClient(api.fetch);
    const { data } = await client.api.POST('/v1/auth/otp/send', { body: { phoneNumber: '+14155552671' }, idempotent: true });
    expect(data?.sessionId).toBe(SENT.sessionId);
    expect(api.calls).toHaveLength(2);
  });
});

describe('timeouts and aborts', () => {
  const hanging = (_: unknown, request: Request) =>
    new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));

  it('aborts an attempt after timeoutMs and throws TimeoutError once retries are spent', async () => {
    vi.useFakeTimers();
    const api = fakeApi({ 'GET /v1/vpn/locations': hanging });
    const client = createBarqnetClient({ baseUrl: 'http://api.test', fetch: api.fetch, retry: { retries: 1, timeoutMs: 5000, random: () => 1 } });
    const pending = client.vpn.listLocations().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000 + 1000 + 5000);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(api.calls).toHaveLength(2);
  });

  it('a per-call timeoutMs overrides the client default', async () => {
    vi.useFakeTimers();
    const api = fakeApi({ 'POST /v1/auth/otp/send': hanging });
    const client = createBarqnetClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    const pending = client.auth.sendOtp({ phoneNumber: '+14155552671' }, { timeoutMs: 250 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(250);
    expect(await pending).toMatchObject({ code: 'TIMEOUT', timeoutMs: 250 });
  });

  it("the caller's AbortSignal stops the request and its retries", async () => {
    vi.useFakeTimers();
    const api = fakeApi({ 'GET /v1/vpn/locations': () => apiError(503, 'SERVICE_UNAVAILABLE') });
    const client = createBarqnetClient({ baseUrl: 'http://api.test', fetch: api.fetch, retry: { random: () => 1 } });
    const controller = new AbortController();
    const pending = client.vpn.listLocations({ signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500); // inside the first 1 s backoff
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.calls).toHaveLength(1);
  });
});
