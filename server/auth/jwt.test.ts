import { describe, expect, it } from 'vitest';
import { createJwt, VERIFIED_TOKENS_MAX } from './jwt.ts';

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

describe('verified tokens remembered', () => {
  const fresh = () => createJwt({ secret: 'k3Jx9vQ2mW8pL5tR7yB4nC6hF1dG0sAe', issuer: 'barqnet-api', audience: 'barqnet-clients' });

  it('verify_rememberedToken_stillExpires', () => {
    const j = fresh();
    const token = j.sign({ sub: 'usr_1', sid: 'ses_1' }, NOW, 60);
    expect(j.verify(token, NOW)).toMatchObject({ ok: true });
    expect(j.verify(token, NOW + 59_999)).toMatchObject({ ok: true, claims: { sid: 'ses_1' } });
    expect(j.verify(token, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(j.remembered).toBe(0);
  });

  it('verify_otherSpellingsOfARememberedToken_areRefused', () => {
    const j = fresh();
    const token = j.sign({ sub: 'usr_1', sid: 'ses_1' }, NOW, 3600);
    expect(j.verify(token, NOW)).toMatchObject({ ok: true });
    const [header, payload, signature] = token.split('.');
    for (const forged of [twin(token), `${token}=`, `${header}.${payload}=.${signature}`, `${header}.${payload}.${signature!.slice(0, -1)}`])
      expect(j.verify(forged, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('verify_refusedToken_isNotRemembered', () => {
    const j = fresh();
    const other = createJwt({ secret: 'another-secret-of-enough-length-000', issuer: 'barqnet-api', audience: 'barqnet-clients' });
    const foreign = other.sign({ sub: 'usr_1', sid: 'ses_1' }, NOW, 3600);
    expect(j.verify(foreign, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(j.verify(j.sign({ sub: 'usr_1', sid: 'ses_1' }, NOW - 7200_000, 3600), NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(j.remembered).toBe(0);
  });

  it('verify_manyTokens_remembersAtMostTheBound', () => {
    const j = fresh();
    for (let i = 0; i <= VERIFIED_TOKENS_MAX; i++) j.verify(j.sign({ sub: `usr_${i}`, sid: `ses_${i}` }, NOW, 3600), NOW);
    expect(j.remembered).toBe(VERIFIED_TOKENS_MAX);
  });
});
