// The same flows against the Prism mock of the public contract: they run end to end and return
// data of the contract's shape (Prism answers with the document's examples).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';
import { createBarqnetClient, MemoryTokenStore, RateLimitError, ValidationError, VpnReporter } from '../src/index.ts';
import { startMock, type Running } from './processes.ts';

let mock: Running;
beforeAll(async () => {
  mock = await startMock();
}, 90_000);
afterAll(async () => {
  await mock?.stop();
});

const PHONE = '+14155552671';
const client = (store = new MemoryTokenStore(), headers: Record<string, string> = {}) =>
  createBarqnetClient({ baseUrl: mock.url, tokenStore: store, headers, retry: { retries: 0 } });

describe('SDK against the Prism mock', () => {
  it('register -> login -> refresh -> config -> status -> stats -> logout', async () => {
    const store = new MemoryTokenStore();
    const api = client(store);

    const signedUp = await api.register({
      phoneNumber: PHONE,
      password: 'SecurePass123!',
      askOtp: () => '123456',
      deviceId: 'mock-device',
      deviceInfo: { platform: 'web' },
    });
    expect(signedUp).toMatchObject({ success: true, tokenType: 'Bearer', needsProfile: expect.any(Boolean) });
    expect(signedUp.user.id).toMatch(/^usr_/);
    expect(store.get()?.refreshToken).toMatch(/^rt_/);
    // the example token has no exp claim: the expiry comes from expiresIn
    expect(store.get()?.accessTokenExpiresAt).toBeGreaterThan(Date.now());

    const login = await api.loginWithPassword({ phoneNumber: PHONE, password: 'SecurePass123!' });
    expect(login.expiresIn).toBeGreaterThan(0);

    const rotated = await api.session.refresh();
    expect(rotated.refreshToken).toMatch(/^rt_/);
    expect(store.get()?.refreshToken).toBe(rotated.refreshToken);

    const { locations } = await api.vpn.listLocations();
    expect(locations[0]).toMatchObject({ id: expect.stringMatching(/^[a-z]{2}-[a-z]+-\d+$/), available: expect.any(Boolean) });
    const { config } = await api.vpn.getVpnConfig({ locationId: locations[0]!.id });
    expect(config.ovpnContent).toContain('client');
    expect(['udp', 'tcp']).toContain(config.protocol);

    const status = await api.vpn.reportConnectionStatus({ status: 'CONNECTED', locationId: 'us-east-1' });
    expect(status.sessionId).toMatch(/^vpn_/);
    const stats = await api.vpn.reportTrafficStats({ sessionId: status.sessionId, bytesIn: 1, bytesOut: 2, duration: 3 });
    expect(stats.usage).toMatchObject({ totalBytesIn: expect.any(Number), quotaExceeded: expect.any(Boolean) });

    await api.logout();
    expect(store.get()).toBeNull();
  });

  it('OTP sign-in, profile and devices return schema-shaped data', async () => {
    const api = client();
    const result = await api.loginWithOtp({ phoneNumber: PHONE, deviceId: 'mock-device', askOtp: () => '123456' });
    expect(result.user.phoneNumber).toMatch(/^\+\d+$/);
    const { user } = await api.user.getProfile();
    expect(user.subscription).toMatchObject({ plan: expect.any(String), dataQuota: expect.any(Number) });
    const { devices } = await api.user.listDevices();
    expect(devices[0]!.id).toMatch(/^dev_/);
  });

  it('the stats reporter completes a session loop', async () => {
    const api = client();
    await api.loginWithPassword({ phoneNumber: PHONE, password: 'SecurePass123!' });
    const reporter = new VpnReporter({ vpn: api.vpn, readCounters: () => ({ bytesIn: 10, bytesOut: 20 }) });
    await reporter.report('CONNECTED', { locationId: 'us-east-1' });
    await reporter.disconnect();
    reporter.dispose();
    expect(reporter.pending).toEqual([]);
  });

  it('error examples map to typed errors (Prefer: code=...)', async () => {
    const limited = client(new MemoryTokenStore(), { Prefer: 'code=429' });
    const error = await limited.auth.sendOtp({ phoneNumber: PHONE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(60);

    const invalid = client(new MemoryTokenStore(), { Prefer: 'code=400' });
    const bad = await invalid.auth.sendOtp({ phoneNumber: PHONE }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).details[0]).toMatchObject({ path: expect.any(String), message: expect.any(String) });
  });

  it('a protected call without a token is refused (the mock checks security too)', async () => {
    await expect(client().vpn.listLocations()).rejects.toMatchObject({ status: 401 });
  });
});

describe('barqnet CLI against the Prism mock', () => {
  it('login -> locations -> config -> devices -> profile -> logout', async () => {
    const home = await mkdtemp(join(tmpdir(), 'barqnet-cli-mock-'));
    try {
      const env = { BARQNET_CONFIG_DIR: home, BARQNET_BASE_URL: mock.url };
      expect(await runCli(['login', '--phone', PHONE], env, ['SecurePass123!'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Signed in as') });
      expect((await runCli(['locations'], env)).stdout).toMatch(/^us-east-1\s/m);
      const out = join(home, 'mock.ovpn');
      expect((await runCli(['config', '--location', 'us-east-1', '--out', out], env)).code).toBe(0);
      expect(await readFile(out, 'utf8')).toMatch(/^remote /m);
      expect((await runCli(['devices'], env)).stdout).toMatch(/^dev_\w+\s/m);
      expect((await runCli(['profile', '--json'], env)).stdout).toMatch(/"subscription"/);
      expect(await runCli(['logout'], env)).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
