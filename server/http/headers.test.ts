import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test/harness.ts';

const API = [
  ['GET', '/v1/vpn/locations'],
  ['POST', '/v1/auth/otp/send'],
  ['GET', '/nowhere'],
  ['GET', '/openapi.json'],
] as const;

// Headers are set before any route or store runs: nothing here depends on the database, so one dialect.
const dialect = 'sqlite';
describe('security headers', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('apiAnswers_successAndError_areLockedAgainstRenderingFramingAndReferrers', async () => {
    h = await startHarness(dialect);
    for (const [method, path] of API) {
      const res = await h.request(method, path, method === 'POST' ? { body: { phoneNumber: 'bad' } } : {});
      const got = (name: string) => res.headers.get(name);
      expect(got('content-security-policy'), path).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
      expect(got('x-frame-options')).toBe('DENY');
      expect(got('x-content-type-options')).toBe('nosniff');
      expect(got('referrer-policy')).toBe('no-referrer');
      expect(got('cache-control')).toBe('no-store');
      expect(got('x-powered-by')).toBeNull();
      // Not in test mode's default: HSTS is a production setting (TLS ends in front of the server).
      expect(got('strict-transport-security')).toBeNull();
    }
  });

  it('apiAnswers_carryEveryHeaderOfHelmetsPolicy', async () => {
    // headers.ts takes helmet's answer once at start-up: every header helmet sets must still arrive.
    h = await startHarness(dialect);
    const res = await h.request('GET', '/v1/vpn/locations');
    expect(Object.fromEntries([...res.headers].filter(([name]) => /^(content-security|cross-origin|origin-agent|referrer|x-)/.test(name)))).toEqual({
      'content-security-policy': "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none',
      'x-request-id': expect.any(String) as string,
      'x-xss-protection': '0',
    });
  });

  it('hstsMaxAge_set_sendsStrictTransportSecurityWithoutSubdomains', async () => {
    h = await startHarness(dialect, { HSTS_MAX_AGE: '31536000' });
    expect((await h.request('GET', '/v1/vpn/locations')).headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('docsPage_allowsOnlyItsOwnInlineScriptsAndCannotBeFramed', async () => {
    h = await startHarness(dialect);
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });
});
