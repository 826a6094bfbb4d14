import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, OtpError, type OtpPrompt } from '../src/index.ts';
import { apiError, fakeApi, fakeJwt, fakeRefreshToken, json } from './fake-api.ts';
import { testClient } from './fake-api.ts';

const PHONE = '+14155552671';
const OTP_SESSION = 'otp_4kT9pQ2xWm7RbN3vLc8Z';
const VT = 'vt_VmVyaWZpY2F0aW9uLXRva2VuLWV4YW1wbGUtMTIzNDU';
const grant = (n: number) => ({
  success: true,
  user: { id: 'usr_8fKq2LmN4pRt6VwX9yZa', phoneNumber: PHONE },
  accessToken: fakeJwt(Date.now() + 3_600_000),
  refreshToken: fakeRefreshToken(n),
  tokenType: 'Bearer',
  expiresIn: 3600,
  refreshExpiresIn: 2592000,
  needsProfile: true,
});

/** An auth backend whose correct code is 123456, with 3 attempts per code. */
function authServer() {
  let attempts = 3;
  const checkOtp = (otp: string) => (otp === '123456' ? null : apiError(400, 'INVALID_OTP', { attemptsRemaining: --attempts }));
  return fakeApi({
    'POST /v1/auth/otp/send': () => json(200, { success: true, message: 'sent', expiresIn: 600, sessionId: OTP_SESSION }),
    'POST /v1/auth/otp/verify': (call) =>
      checkOtp((call.body as { otp: string }).otp) ?? json(200, { success: true, verified: true, verificationToken: VT, expiresIn: 600 }),
    'POST /v1/auth/otp/login': (call) => checkOtp((call.body as { otp: string }).otp) ?? json(200, grant(2)),
    'POST /v1/auth/register': () => json(201, grant(1)),
    'POST /v1/auth/login': (call) =>
      (call.body as { password: string }).password === 'SecurePass123!' ? json(200, grant(3)) : apiError(401, 'INVALID_CREDENTIALS'),
  });
}

describe('flows', () => {
  it('register: send -> verify -> register, in order, storing the tokens', async () => {
    const api = authServer();
    const store = new MemoryTokenStore();
    const { client } = testClient(api.fetch, { tokenStore: store });
    const prompts: OtpPrompt[] = [];
    const result = await client.register({
      phoneNumber: PHONE,
      countryCode: 'US',
      askOtp: (p) => (prompts.push(p), '123456'),
      password: async () => 'SecurePass123!',
      deviceId: 'cli-test-device',
      deviceInfo: { platform: 'linux' },
    });
    expect(api.calls.map((c) => c.path)).toEqual(['/v1/auth/otp/send', '/v1/auth/otp/verify', '/v1/auth/register']);
    expect(api.calls[0]!.body).toEqual({ phoneNumber: PHONE, countryCode: 'US' });
    expect(api.calls[1]!.body).toEqual({ phoneNumber: PHONE, otp: '123456', sessionId: OTP_SESSION });
    expect(api.calls[2]!.body).toEqual({
      phoneNumber: PHONE,
      password: 'SecurePass123!',
      verificationToken: VT,
      deviceId: 'cli-test-device',
      deviceInfo: { platform: 'linux' },
    });
    expect(prompts).toEqual([{ phoneNumber: PHONE, sessionId: OTP_SESSION, expiresIn: 600, attempt: 1 }]);
    expect(result.needsProfile).toBe(true);
    expect(store.get()?.refreshToken).toBe(fakeRefreshToken(1));
  });

  it('asks again after a wrong code while attempts remain, then gives up with OtpError', async () => {
    const api = authServer();
    const { client } = testClient(api.fetch);
    const prompts: OtpPrompt[] = [];
    const error = await client
      .loginWithOtp({ phoneNumber: PHONE, deviceId: 'cli-test-device', askOtp: (p) => (prompts.push(p), '000000') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtpError);
    expect(prompts.map((p) => [p.attempt, p.error?.attemptsRemaining])).toEqual([
      [1, undefined],
      [2, 2],
      [3, 1],
    ]);
    expect(api.count('POST', '/v1/auth/otp/send')).toBe(1);
  });

  it('OTP sign-in succeeds on the second try and stores the tokens', async () => {
    const api = authServer();
    const store = new MemoryTokenStore();
    const { client } = testClient(api.fetch, { tokenStore: store });
    const codes = ['111111', '123456'];
    const result = await client.loginWithOtp({ phoneNumber: PHONE, deviceId: 'cli-test-device', askOtp: () => codes.shift()! });
    expect(result.refreshToken).toBe(fakeRefreshToken(2));
    expect(store.get()?.refreshToken).toBe(fakeRefreshToken(2));
    expect(api.calls.at(-1)!.body).toMatchObject({ phoneNumber: PHONE, otp: '123456', deviceId: 'cli-test-device', sessionId: OTP_SESSION });
  });

  it('password login stores the tokens; a wrong password stores nothing and does not refresh', async () => {
    const api = authServer();
    const store = new MemoryTokenStore();
    const { client } = testClient(api.fetch, { tokenStore: store });
    await expect(client.loginWithPassword({ phoneNumber: PHONE, password: 'nope' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(store.get()).toBeNull();
    await client.loginWithPassword({ phoneNumber: PHONE, password: 'SecurePass123!' });
    expect(store.get()?.refreshToken).toBe(fakeRefreshToken(3));
    expect(api.count('POST', '/v1/auth/refresh')).toBe(0);
  });
});
