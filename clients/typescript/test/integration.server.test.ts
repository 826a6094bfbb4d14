// The SDK against the real server (node server/main.ts, SQLite, TEST_MODE=1): the full flows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createBarqnetClient, MemoryTokenStore, VpnReporter, type BarqnetClient, type ClientEvents } from '../src/index.ts';
import { sentCode as sentCodeAt, startServer, uniquePhone, type Running } from './processes.ts';

const PASSWORD = 'SecurePass123!';

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function newClient(store = new MemoryTokenStore()): { client: BarqnetClient; store: MemoryTokenStore } {
  return { client: createBarqnetClient({ baseUrl: server.url, tokenStore: store }), store };
}

const sentCode = (phoneNumber: string, baseUrl = server.url) => sentCodeAt(baseUrl, phoneNumber);

async function registered(phone = uniquePhone()) {
  const { client, store } = newClient();
  await client.register({
    phoneNumber: phone,
    password: PASSWORD,
    deviceId: 'sdk-it-device',
    deviceInfo: { platform: 'linux' },
    askOtp: () => sentCode(phone),
  });
  return { client, store, phone };
}

describe('SDK against the real server', () => {
  it('register -> login -> refresh -> config -> status -> stats -> logout', async () => {
    const phone = uniquePhone();
    const { client, store } = newClient();
    const events: ClientEvents['unauthenticated'][] = [];
    client.on('unauthenticated', (e) => events.push(e));

    const signedUp = await client.register({ phoneNumber: phone, password: PASSWORD, askOtp: () => sentCode(phone) });
    expect(signedUp.user.phoneNumber).toBe(phone);
    expect(store.get()?.refreshToken).toBe(signedUp.refreshToken);

    const login = await client.loginWithPassword({
      phoneNumber: phone,
      password: PASSWORD,
      deviceId: 'sdk-it-device',
      deviceInfo: { platform: 'linux', appVersion: '1.0.0' },
    });
    expect(store.get()?.accessToken).toBe(login.accessToken);

    const before = store.get()!;
    const rotated = await client.session.refresh();
    expect(rotated.refreshToken).not.toBe(before.refreshToken);
    expect(store.get()?.refreshToken).toBe(rotated.refreshToken);

    const { locations } = await client.vpn.listLocations();
    expect(locations.length).toBeGreaterThan(0);
    const location = locations.find((l) => l.available) ?? locations[0]!;
    const { config } = await client.vpn.getVpnConfig({ locationId: location.id });
    expect(config.locationId).toBe(location.id);
    expect(config.ovpnContent).toMatch(/^client/m);

    const opened = await client.vpn.reportConnectionStatus({ status: 'CONNECTED', locationId: location.id, platform: 'linux' });
    expect(opened.sessionId).toMatch(/^vpn_/);
    const stats = { sessionId: opened.sessionId, bytesIn: 4096, bytesOut: 2048, duration: 300 };
    await client.vpn.reportTrafficStats(stats);
    const again = await client.vpn.reportTrafficStats(stats); // a replay: cumulative, so not counted twice
    expect(again.usage.totalBytesIn).toBe(4096);
    expect(again.usage.usedData).toBe(4096 + 2048);
    await client.vpn.reportConnectionStatus({ status: 'DISCONNECTED', sessionId: opened.sessionId });

    const profile = await client.user.getProfile();
    expect(profile.user.phoneNumber).toBe(phone);
    expect(profile.user.subscription.usedData).toBe(4096 + 2048);

    const oldAccess = store.get()!.accessToken;
    await client.logout();
    expect(store.get()).toBeNull();
    expect(events.map((e) => e.reason)).toEqual(['LOGOUT']);
    // the revoked access token no longer works, and with no refresh token the 401 stands
    const stale = newClient(new MemoryTokenStore({ accessToken: oldAccess, refreshToken: rotated.refreshToken }));
    await expect(stale.client.vpn.listLocations()).rejects.toBeInstanceOf(AuthError);
    expect(stale.store.get()).toBeNull();
  });

  it('OTP sign-in creates the account with needsProfile, and updateProfile completes it', async () => {
    const phone = uniquePhone();
    const { client } = newClient();
    const result = await client.loginWithOtp({
      phoneNumber: phone,
      deviceId: 'sdk-it-otp-device',
      deviceInfo: { platform: 'android', model: 'Pixel 8' },
      askOtp: () => sentCode(phone),
    });
    expect(result.needsProfile).toBe(true);
    const updated = await client.user.updateProfile({ name: 'Amina Yusuf', userType: 'buyer' });
    expect(updated.user.name).toBe('Amina Yusuf');
    const { devices } = await client.user.listDevices();
    expect(devices.some((d) => d.deviceId === 'sdk-it-otp-device' && d.current)).toBe(true);
  });

  it('10 concurrent requests with a dead access token share one refresh and all succeed', async () => {
    const { client, store } = await registered();
    const good = store.get()!;
    store.set({ ...good, accessToken: good.accessToken.slice(0, -4) + 'AAAA' }); // bad signature -> 401
    let rotations = 0;
    client.on('tokens', () => rotations++);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.vpn.listLocations()));
    expect(results.every((r) => r.locations.length > 0)).toBe(true);
    expect(rotations).toBe(1);
    expect(store.get()!.refreshToken).not.toBe(good.refreshToken);
  });

  it('typed errors carry the server codes', async () => {
    const { client, phone } = await registered();
    await expect(client.loginWithPassword({ phoneNumber: phone, password: 'WrongPass999' })).rejects.toMatchObject({
      name: 'AuthError',
      code: 'INVALID_CREDENTIALS',
      status: 401,
    });
    await expect(client.auth.sendOtp({ phoneNumber: 'not-a-phone' })).rejects.toMatchObject({ name: 'ValidationError', code: 'VALIDATION_ERROR' });
    const { sessionId } = await client.auth.sendOtp({ phoneNumber: phone });
    await expect(client.auth.verifyOtp({ phoneNumber: phone, otp: '000000', sessionId })).rejects.toMatchObject({ name: 'OtpError', code: 'INVALID_OTP' });
    await expect(client.vpn.deleteCustomConfig('cfg_00000000000000000000')).rejects.toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('custom configs: create, list, delete; another account cannot delete them', async () => {
    const owner = await registered();
    const other = await registered();
    const ovpn = 'client\ndev tun\nproto udp\nremote vpn.example.net 1194\nnobind\nremote-cert-tls server\n';
    const { configId } = await owner.client.vpn.createCustomConfig({ name: 'Home router', ovpnContent: ovpn });
    await expect(other.client.vpn.deleteCustomConfig(configId)).rejects.toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await owner.client.vpn.listCustomConfigs()).configs.map((c) => c.id)).toEqual([configId]);
    await expect(owner.client.vpn.createCustomConfig({ name: 'Bad', ovpnContent: `${ovpn}script-security 2\nup /bin/sh\n` })).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'INVALID_CONFIG',
    });
    await owner.client.vpn.deleteCustomConfig(configId);
    expect((await owner.client.vpn.listCustomConfigs()).configs).toEqual([]);
  });

  it('changePassword stores the new pair here and signs the other device out', async () => {
    const { client: here, store: hereStore, phone } = await registered();
    const { client: there, store: thereStore } = newClient();
    await there.loginWithPassword({ phoneNumber: phone, password: PASSWORD, deviceId: 'sdk-it-other-device' });
    const reasons: string[] = [];
    there.on('unauthenticated', (e) => reasons.push(e.reason));

    const before = hereStore.get()!;
    await here.user.changePassword({ currentPassword: PASSWORD, newPassword: 'EvenBetterPass456' });
    expect(hereStore.get()!.refreshToken).not.toBe(before.refreshToken);
    await expect(here.user.getProfile()).resolves.toMatchObject({ success: true });

    await expect(there.user.getProfile()).rejects.toBeInstanceOf(AuthError);
    expect(thereStore.get()).toBeNull();
    expect(reasons).toHaveLength(1);
    await expect(there.loginWithPassword({ phoneNumber: phone, password: PASSWORD })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('revokeDevice signs that device out; another account cannot revoke it', async () => {
    const { client: here, phone } = await registered();
    const { client: there, store: thereStore } = newClient();
    await there.loginWithPassword({ phoneNumber: phone, password: PASSWORD, deviceId: 'sdk-it-revoked-device' });
    const { devices } = await here.user.listDevices();
    const target = devices.find((d) => d.deviceId === 'sdk-it-revoked-device')!;

    const stranger = await registered();
    await expect(stranger.client.user.revokeDevice(target.id)).rejects.toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
    await expect(there.vpn.listLocations()).resolves.toMatchObject({ success: true });

    await here.user.revokeDevice(target.id);
    await expect(there.vpn.listLocations()).rejects.toBeInstanceOf(AuthError);
    expect(thereStore.get()).toBeNull();
    expect((await here.user.listDevices()).devices.some((d) => d.id === target.id)).toBe(false);
  });

  it('deleteAccount needs the current password; a wrong one keeps the session, the right one signs out', async () => {
    const { client, store } = await registered();
    const events: ClientEvents['unauthenticated'][] = [];
    client.on('unauthenticated', (e) => events.push(e));
    await expect(client.user.deleteAccount({ currentPassword: 'WrongPass123' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(store.get()).not.toBeNull();
    await expect(client.user.deleteAccount({})).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await client.user.deleteAccount({ currentPassword: PASSWORD });
    expect(store.get()).toBeNull();
    expect(events.map((e) => e.reason)).toEqual(['ACCOUNT_DELETED']);
  });

  it('the stats reporter runs the session loop against the server', async () => {
    const { client } = await registered();
    const counters = { bytesIn: 0, bytesOut: 0 };
    const reporter = new VpnReporter({ vpn: client.vpn, readCounters: () => counters, platform: 'linux', appVersion: '1.0.0' });
    await reporter.report('CONNECTING', { locationId: 'us-east-1' });
    await reporter.report('CONNECTED', { locationId: 'us-east-1' });
    counters.bytesIn = 1000;
    counters.bytesOut = 500;
    await reporter.tick();
    counters.bytesIn = 3000;
    counters.bytesOut = 1500;
    await reporter.disconnect();
    reporter.dispose();
    expect(reporter.pending).toEqual([]);
    const { usage } = await client.vpn.getUsage();
    expect(usage.totalBytesIn).toBe(3000);
    expect(usage.totalBytesOut).toBe(1500);
  });
});

describe('refresh token reuse against the real server', () => {
  let strict: Running;
  beforeAll(async () => {
    strict = await startServer({ REFRESH_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it('a replayed refresh token signs the session out: store cleared, `unauthenticated` emitted', async () => {
    const phone = uniquePhone();
    const store = new MemoryTokenStore();
    const client = createBarqnetClient({ baseUrl: strict.url, tokenStore: store });
    await client.register({ phoneNumber: phone, password: PASSWORD, askOtp: () => sentCode(phone, strict.url) });
    const stolen = store.get()!;
    await client.session.refresh(); // rotates: `stolen.refreshToken` is now spent

    const other = new MemoryTokenStore({ ...stolen, accessToken: 'x'.repeat(20) });
    const replayer = createBarqnetClient({ baseUrl: strict.url, tokenStore: other });
    const reasons: string[] = [];
    replayer.on('unauthenticated', (e) => reasons.push(e.reason));
    await expect(replayer.vpn.listLocations()).rejects.toBeInstanceOf(AuthError);
    expect(reasons).toEqual(['TOKEN_REUSED']);
    expect(other.get()).toBeNull();
    // reuse revoked the whole family: the legitimate client is signed out too on its next refresh
    await expect(client.session.refresh()).rejects.toBeInstanceOf(AuthError);
    expect(store.get()).toBeNull();
  });
});
