// The client flows the system tests, the soak and the benchmarks share, done the way an app does
// them: the test bypass only hands over the pending code; sign-in itself is the real endpoint.
import type { Client, Reply } from './http.ts';

export interface Session {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export class FlowError extends Error {}

export function expectStatus<T>(reply: Reply<T>, status: number, what: string): Reply<T> {
  if (reply.status !== status) throw new FlowError(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

/** The pending code for `phone`, sending one when none is pending. The outbox is per process:
 *  ask the instance that sent the code. */
export async function pendingOtp(c: Client, phone: string): Promise<{ otp: string; sessionId: string; tokens?: Session }> {
  const r = expectStatus(await c.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: phone, testMode: true } }), 200, 'testAuthBypass');
  return { otp: r.body.testOtp, sessionId: r.body.sessionId };
}

/** Passwordless sign-in (creates the account on first use): bypass -> POST /v1/auth/otp/login. */
export async function signInWithOtp(c: Client, phone: string, deviceId = 'device-0001', via: Client = c): Promise<Session> {
  const { otp, sessionId } = await pendingOtp(c, phone);
  const r = expectStatus(await via.request('POST', '/v1/auth/otp/login', { body: { phoneNumber: phone, otp, sessionId, deviceId } }), 200, 'signInWithOtp');
  return { userId: r.body.user.id, accessToken: r.body.accessToken, refreshToken: r.body.refreshToken };
}

/** send -> verify -> register with a password. */
export async function register(c: Client, phone: string, password: string, deviceId = 'device-0001'): Promise<Session> {
  const { otp, sessionId } = await pendingOtp(c, phone);
  const verified = expectStatus(await c.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: phone, otp, sessionId } }), 200, 'verifyOtp');
  const r = expectStatus(
    await c.request('POST', '/v1/auth/register', { body: { phoneNumber: phone, password, verificationToken: verified.body.verificationToken, deviceId } }),
    201,
    'register',
  );
  return { userId: r.body.user.id, accessToken: r.body.accessToken, refreshToken: r.body.refreshToken };
}

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
