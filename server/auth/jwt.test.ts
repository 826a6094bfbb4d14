import { describe, expect, it } from 'vitest';
import { createJwt } from './jwt.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const jwt = createJwt({ secret: 'k3Jx9vQ2mW8pL5tR7yB4nC6hF1dG0sAe', issuer: 'barqnet-api', audience: 'barqnet-clients' });
const NOW = 1_760_000_000_000;

/** The same bytes, another spelling: the last character with its unused low bits flipped. */
function twin(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) ^ 1];
}

describe('access token encoding', () => {
  const token = jwt.sign({ sub: 'usr_1', sid: 'ses_1' }, NOW, 3600);

  it('verify_canonicalToken_isAccepted', () => {
    expect(jwt.verify(token, NOW)).toMatchObject({ ok: true, claims: { sub: 'usr_1', sid: 'ses_1' } });
  });

  it('verify_lastCharacterSwappedForItsBase64urlTwin_isRefused', () => {
    const forged = twin(token);
    expect(forged).not.toBe(token);
    expect(Buffer.from(forged.split('.')[2]!, 'base64url')).toEqual(Buffer.from(token.split('.')[2]!, 'base64url'));
    expect(jwt.verify(forged, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('verify_paddingAppended_isRefused', () => {
    for (const padded of [`${token}=`, `${token}==`]) expect(jwt.verify(padded, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('verify_payloadRespelled_isRefused', () => {
    const [header, payload, signature] = token.split('.');
    expect(jwt.verify(`${header}.${payload}=.${signature}`, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});
