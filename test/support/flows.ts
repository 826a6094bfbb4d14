// The client flows the system tests, the soak and the benchmarks share, done the way an app does
// them: the test bypass only hands over the pending code; sign-in itself is the real endpoint.
import type { Client } from './http.ts';

export interface Session {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export class FlowError extends Error {}

/** What the flows need of a client: test/support/http.ts's, or the in-process harness (server/test/harness.ts). */
export interface Requester {
  request(method: string, path: string, options?: { body?: unknown; token?: string }): Promise<{ status: number; body: any }>;
}

/** Where a flow gets the code of `phone` and the sessionId it is bound to. */
export type CodeSource = (phone: string) => Promise<{ otp: string; sessionId: string }>;

export function expectStatus<R extends { status: number; body: unknown }>(reply: R, status: number, what: string): R {
  if (reply.status !== status) throw new FlowError(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

const sessionOf = (body: any): Session => ({ userId: body.user.id, accessToken: body.accessToken, refreshToken: body.refreshToken });

/** The pending code for `phone`, sending one when none is pending. The outbox is per process:
 *  ask the instance that sent the code. */
export async function pendingOtp(c: Requester, phone: string): Promise<{ otp: string; sessionId: string }> {
  const r = expectStatus(await c.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: phone, testMode: true } }), 200, 'testAuthBypass');
  return { otp: r.body.testOtp, sessionId: r.body.sessionId };
}

/** Passwordless sign-in (creates the account on first use): bypass -> POST /v1/auth/otp/login. */
export async function signInWithOtp(c: Client, phone: string, deviceId = 'device-0001', via: Client = c): Promise<Session> {
  const { otp, sessionId } = await pendingOtp(c, phone);
  const r = expectStatus(await via.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: phone, otp, sessionId, deviceId } }), 200, 'signInWithOtp');
  return sessionOf(r.body);
}

/** send -> verify: a fresh verification token of `phone`; the code comes from the bypass unless `code` gives it. */
export async function verifyPhone(c: Requester, phone: string, code: CodeSource = (p) => pendingOtp(c, p)): Promise<string> {
  const { otp, sessionId } = await code(phone);
  const verified = expectStatus(await c.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: phone, otp, sessionId } }), 200, 'verifyOtp');
  return verified.body.verificationToken as string;
}

/** send -> verify -> register with a password; the answer's body (AuthResult). */
export async function signUp(
  c: Requester,
  phone: string,
  account: { password: string; deviceId?: string; deviceInfo?: Record<string, unknown> },
  code?: CodeSource,
): Promise<any> {
  const verificationToken = await verifyPhone(c, phone, code);
  return expectStatus(await c.request('POST', '/v1/auth/register', { body: { phoneNumber: phone, verificationToken, ...account } }), 201, 'register').body;
}

/** send -> verify -> register with a password, as a Session. */
export async function register(c: Requester, phone: string, password: string, deviceId = 'device-0001'): Promise<Session> {
  return sessionOf(await signUp(c, phone, { password, deviceId }));
}

/** A 6-digit code that is not `code`, for a wrong guess. */
export const wrongCode = (code: string): string => (code === '000000' ? '111111' : '000000');

/** Opens a VPN session (status CONNECTED) and returns its id. */
export async function connectVpn(c: Client, token: string): Promise<string> {
  const r = expectStatus(await c.request('POST', '/v1/vpn/status', { token, body: { status: 'CONNECTED' } }), 200, 'reportConnectionStatus');
  return r.body.sessionId as string;
}

/** A valid US test number (+1 415 555 xxxx) for index 0..9999. */
export function phoneNumber(index: number, area = '415'): string {
  if (index < 0 || index > 9999) throw new RangeError('phone index must be 0..9999');
  return `+1${area}555${String(index).padStart(4, '0')}`;
}
