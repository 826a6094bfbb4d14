import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test/harness.ts';

describe('CORS', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('cors_listedOrigin_getsPreflightAndExposedHeaders', async () => {
    h = await startHarness('sqlite', { CORS_ORIGINS: 'http://localhost:5173' });
    const preflight = await h.request('OPTIONS', '/v1/user/profile', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const get = await h.request('GET', '/health', { headers: { origin: 'http://localhost:5173' } });
    expect(get.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('cors_unlistedOrigin_getsNoCorsHeadersAndOptionsIs405', async () => {
    h = await startHarness('sqlite', { CORS_ORIGINS: 'http://localhost:5173' });
    const res = await h.request('OPTIONS', '/v1/user/profile', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(405);
    expect(res.body.error).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
