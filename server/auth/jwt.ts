// HS256 access tokens with node:crypto. Verification is synchronous on purpose: it must not
// queue behind password hashing in the libuv pool. The algorithm is pinned (RFC 8725 §3.1):
// a header that is not exactly HS256/JWT is refused before the signature is looked at.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

export interface AccessClaims {
  sub: string;
  sid: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Tokens whose signature and claims were checked, remembered by their exact text. */
export const VERIFIED_TOKENS_MAX = 10_000;

export function createJwt(options: { secret: string; issuer: string; audience: string }) {
  // A KeyObject made once: handing createHmac the raw bytes re-imports the key on every call
  // (about 10 µs, several times the HMAC itself), on every authenticated request.
  const key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const sign = (input: string) => createHmac('sha256', key).update(input).digest();
  // An app sends one access token on every request for its lifetime: the HMAC, the decode and
  // the claim checks are done once per token, not per request. Only a token that passed them
  // all is remembered, under its whole text (signature included), so a forged or re-spelled
  // token never matches one; expiry is still checked on every use. Revocation is the session
  // check's business (session.service.ts), not this one's.
  const verified = new Map<string, AccessClaims>();

  return {
    sign(claims: { sub: string; sid: string }, nowMs: number, ttlSeconds: number): string {
      const iat = Math.floor(nowMs / 1000);
      const payload = { sub: claims.sub, sid: claims.sid, iss: options.issuer, aud: options.audience, iat, exp: iat + ttlSeconds };
      const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${body}.${sign(body).toString('base64url')}`;
    },

    verify(token: string, nowMs: number): VerifyResult {
      const known = verified.get(token);
      if (known !== undefined) {
        if (known.exp * 1000 > nowMs) return { ok: true, claims: known };
        verified.delete(token);
        return { ok: false, reason: 'expired' };
      }
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'invalid' };
      // The text is compared, not the decoded bytes: base64url decoding ignores `=` and the unused
      // low bits of the last character, so several spellings decode to one signature
      // (RFC 7515 §2 allows only the unpadded canonical one).
      const expected = Buffer.from(sign(`${parts[0]}.${parts[1]}`).toString('base64url'));
      const given = Buffer.from(parts[2]!);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
      let claims: AccessClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as AccessClaims;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (claims.iss !== options.issuer || claims.aud !== options.audience) return { ok: false, reason: 'invalid' };
      if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') {
        return { ok: false, reason: 'invalid' };
      }
      if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
      // Map keeps insertion order: the first key is the oldest token.
      if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, Object.freeze(claims));
      return { ok: true, claims };
    },

    /** How many verified tokens are remembered (at most VERIFIED_TOKENS_MAX). */
    get remembered(): number {
      return verified.size;
    },
  };
}

export type Jwt = ReturnType<typeof createJwt>;
