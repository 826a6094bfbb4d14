// Test doubles: an injected fetch that routes to handlers and records every call.
import { createBarqnetClient, type BarqnetClientOptions } from '../src/index.ts';

export interface Call {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

export type Handler = (call: Call, request: Request) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function apiError(status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json(status, { success: false, error, message: error.toLowerCase().replace(/_/g, ' '), ...extra }, headers);
}

/** A fetch that answers from `routes` ("METHOD /path") and records each request. */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  async function fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    const call: Call = {
      method: request.method,
      path: url.pathname + url.search,
      authorization: request.headers.get('Authorization'),
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (!handler) return apiError(404, 'NOT_FOUND');
    return handler(call, request);
  }
  const count = (method: string, path: string) => calls.filter((c) => c.method === method && c.path.split('?')[0] === path).length;
  return { fetch, calls, count };
}

/** An unsigned JWT whose `exp` is `expiresAt` (epoch ms); enough for the client, which never verifies. */
export function fakeJwt(expiresAt: number, subject = 'usr_8fKq2LmN4pRt6VwX9yZa'): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: subject, exp: Math.floor(expiresAt / 1000) })}.c2lnbmF0dXJl`;
}

/** A refresh token matching the contract's pattern. */
export function fakeRefreshToken(n: number): string {
  return `rt_${String(n).padStart(43, 'x')}`;
}

/** Records the waits the retry layer asks for and resolves at once. */
export function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** A client over the fake API with instant, recorded backoff and jitter fixed at its maximum. */
export function testClient(fetch: (r: Request) => Promise<Response>, options: BarqnetClientOptions = {}) {
  const { delays, sleep } = recordingSleep();
  const client = createBarqnetClient({
    baseUrl: 'http://api.test',
    fetch,
    ...options,
    retry: { sleep, random: () => 1, ...options.retry },
  });
  return { client, delays };
}

export const LOCATIONS = {
  success: true,
  locations: [
    {
      id: 'us-east-1',
      name: 'United States - East',
      city: 'New York',
      country: 'US',
      endpoint: 'vpn-us-east.barqnet.com',
      load: 45,
      latency: 20,
      available: true,
    },
  ],
};
