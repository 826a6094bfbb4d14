// Accounts, sessions and token pools the bench needs, made through the public flows of a
// running server (bypass -> OTP sign-in, send -> verify -> register), a few at a time.
import { connectVpn, expectStatus, phoneNumber, register, signInWithOtp, type Session } from '../test/support/flows.ts';
import type { Client } from '../test/support/http.ts';

export interface BenchUser extends Session {
  phone: string;
  vpnSessionId: string;
  /** The cumulative counter the stats bench sends next. */
  seq: number;
}

async function inBatches<T>(count: number, width: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => make(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** `count` users (OTP sign-in), each with one open VPN session. */
export function makeUsers(c: Client, count: number, area = '415'): Promise<BenchUser[]> {
  return inBatches(count, 8, async (i) => {
    const phone = phoneNumber(i, area);
    const session = await signInWithOtp(c, phone, `bench-device-${i}`);
    return { ...session, phone, vpnSessionId: await connectVpn(c, session.accessToken), seq: 0 };
  });
}

/** More sessions of existing accounts: the bypass signs an existing account in each time it is called. */
export async function refreshTokens(c: Client, phones: string[], count: number): Promise<string[]> {
  return inBatches(count, 8, async (i) => {
    const r = expectStatus(
      await c.request('POST', '/v1/test/auth/bypass', { body: { phoneNumber: phones[i % phones.length], testMode: true } }),
      200,
      'bypass',
    );
    if (!r.body.refreshToken) throw new Error('bypass returned no tokens for an existing account');
    return r.body.refreshToken as string;
  });
}

/** Accounts with a password, for the login flood. */
export function passwordAccounts(c: Client, count: number, password: string, area = '650'): Promise<string[]> {
  return inBatches(count, 4, async (i) => {
    const phone = phoneNumber(i, area);
    await register(c, phone, password);
    return phone;
  });
}
