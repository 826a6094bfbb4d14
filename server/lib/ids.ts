import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A prefixed random id such as `usr_8fKq2LmN4pRt6VwX9yZa` (20 characters, ~119 bits). */
export function newId(prefix: 'usr' | 'dev' | 'cfg' | 'vpn' | 'otp' | 'ses' | 'lf'): string {
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}_${out}`;
}

/** A 32-byte random secret in base64url, with a prefix naming its kind. */
export function newSecret(prefix: 'rt' | 'vt'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** A uniformly random 6-digit code. */
export function newOtpCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
