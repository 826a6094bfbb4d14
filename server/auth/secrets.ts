// Secrets at rest are hashes only. Refresh successors are DERIVED from the presented token
// (HMAC with a server key), so a replay inside the grace window can be answered with the same
// successor without ever storing a plaintext token.
import { createHash, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function createSecrets(serverSecret: string) {
  const key = createSecretKey(Buffer.from(serverSecret, 'utf8')); // imported once, not per call
  const hmac = (purpose: string, value: string) => createHmac('sha256', key).update(`${purpose}\0${value}`).digest();
  return {
    otpHash: (phone: string, code: string) => hmac('otp', `${phone}:${code}`).toString('base64url'),
    otpMatches(phone: string, code: string, stored: string): boolean {
      const given = hmac('otp', `${phone}:${code}`);
      const expected = Buffer.from(stored, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    successorOf: (refreshToken: string) => `rt_${hmac('refresh-successor', refreshToken).toString('base64url')}`,
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
