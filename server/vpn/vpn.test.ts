import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { count, startHarness, type Harness } from '../test/harness.ts';
import locations from './locations.json' with { type: 'json' };
import { validateOvpn } from './ovpn.ts';

const PHONE_A = '+14155552671';
const PHONE_B = '+14155552672';
const OVPN = ['client', 'dev tun', 'proto udp', 'remote vpn.example.net 1194', 'nobind', 'remote-cert-tls server', ''].join('\n');

for (const dialect of DIALECTS) {
  describe(`vpn locations and configs [${dialect}]`, () => {
    let h: Harness;
    let a: string;
    beforeEach(async () => {
      h = await startHarness(dialect);
      a = (await h.register(PHONE_A)).accessToken;
    });
    afterEach(async () => h.close());

    const getConfig = (token: string, locationId?: string) =>
      h.request('GET', `/v1/vpn/config${locationId === undefined ? '' : `?locationId=${encodeURIComponent(locationId)}`}`, { token });
    const create = (token: string, name: string, ovpnContent = OVPN) => h.request('POST', '/v1/vpn/config/custom', { token, body: { name, ovpnContent } });
    const list = (token: string) => h.request('GET', '/v1/vpn/config/custom', { token });

    it('listLocations_seeded_returnsEveryLocationOfTheDataFileInOrder', async () => {
      const res = await h.request('GET', '/v1/vpn/locations', { token: a });
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.locations).toEqual(
        locations.map((l) => ({
          id: l.id,
          name: l.name,
          city: l.city,
          country: l.country,
          endpoint: l.serverAddress,
          load: l.load,
          latency: l.latency,
          available: l.available,
        })),
      );
      expect(res.body.locations.filter((l: { available: boolean }) => !l.available).map((l: { id: string }) => l.id)).toEqual(['ap-south-1']);
    });

    it('listLocations_withoutToken_is401', async () => {
      const res = await h.request('GET', '/v1/vpn/locations');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: 'UNAUTHORIZED' });
    });

    it('getVpnConfig_noLocation_picksTheLeastLoadedAvailableLocation', async () => {
      expect((await getConfig(a)).body.config.locationId).toBe('me-south-1');
      // An unavailable location never wins, however idle; an available one that becomes the least loaded does.
      await h.db.run('UPDATE locations SET load = 1 WHERE id = ?', ['ap-south-1']);
      expect((await getConfig(a)).body.config.locationId).toBe('me-south-1');
      await h.db.run('UPDATE locations SET load = 5 WHERE id = ?', ['us-west-1']);
      expect((await getConfig(a)).body.config.locationId).toBe('us-west-1');
    });

    it('getVpnConfig_byLocationId_returnsAUsableConfigOfThatLocation', async () => {
      const res = await getConfig(a, 'eu-west-1');
      expect(res.status).toBe(200);
      const config = res.body.config;
      expect(config).toMatchObject({ locationId: 'eu-west-1', serverAddress: 'vpn-eu-west.barqnet.com', port: 443, protocol: 'tcp' });
      expect(config.certificatePinning).toEqual(locations.find((l) => l.id === 'eu-west-1')!.certificatePins);
      expect(config.ovpnContent.split('\n')).toContain('remote vpn-eu-west.barqnet.com 443');
      expect(config.ovpnContent.split('\n')).toContain('proto tcp');
      // What we hand out passes the checks we apply to uploads.
      expect(validateOvpn(config.ovpnContent)).toEqual({ serverAddress: 'vpn-eu-west.barqnet.com', port: 443, protocol: 'tcp' });
      expect(Date.parse(config.expiresAt)).toBe(h.clock.now() + 7 * 86_400_000);
      expect(Date.parse(config.expiresAt)).toBeGreaterThan(h.clock.now());
    });

    it('getVpnConfig_unknownLocation_is404', async () => {
      const res = await getConfig(a, 'xx-nowhere-1');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
    });

    it('getVpnConfig_listedButUnavailableLocation_is409LocationUnavailable', async () => {
      const listed = await h.request('GET', '/v1/vpn/locations', { token: a });
      expect(listed.body.locations).toContainEqual(expect.objectContaining({ id: 'ap-south-1', available: false }));
      const res = await getConfig(a, 'ap-south-1');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, error: 'LOCATION_UNAVAILABLE', message: expect.stringContaining('ap-south-1') });
    });

    it('getVpnConfig_noLocationAvailable_is409LocationUnavailable', async () => {
      await h.db.run('UPDATE locations SET available = 0');
      const res = await getConfig(a);
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('LOCATION_UNAVAILABLE');
    });

    it('getVpnConfig_malformedLocationId_is400', async () => {
      const res = await getConfig(a, 'US EAST');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_ERROR');
    });

    it('customConfig_createListDelete_roundTripsAndStoresTheFile', async () => {
      const created = await create(a, 'Home server');
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ success: true, configId: expect.stringMatching(/^cfg_[A-Za-z0-9]{20}$/) });
      expect(created.body.config).toEqual({
        id: created.body.configId,
        name: 'Home server',
        serverAddress: 'vpn.example.net',
        port: 1194,
        protocol: 'udp',
        createdAt: new Date(h.clock.now()).toISOString(),
      });
      const row = await h.db.one<{ ovpn_content: string; user_id: string }>('SELECT ovpn_content, user_id FROM custom_configs WHERE id = ?', [
        created.body.configId,
      ]);
      expect(row?.ovpn_content).toBe(OVPN);

      const listed = await list(a);
      expect(listed.status).toBe(200);
      expect(listed.body.configs).toEqual([created.body.config]);

      const deleted = await h.request('DELETE', `/v1/vpn/config/custom/${created.body.configId}`, { token: a });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ success: true });
      expect(await count(h.db, 'custom_configs')).toBe(0);
      expect((await list(a)).body.configs).toEqual([]);
      const again = await h.request('DELETE', `/v1/vpn/config/custom/${created.body.configId}`, { token: a });
      expect(again.status).toBe(404);
      expect(again.body.error).toBe('NOT_FOUND');
    });

    it('listCustomConfigs_severalConfigs_newestFirst', async () => {
      const first = await create(a, 'First');
      h.clock.advance(1000);
      const second = await create(a, 'Second');
      expect((await list(a)).body.configs.map((c: { id: string }) => c.id)).toEqual([second.body.configId, first.body.configId]);
    });

    const dangerous: Record<string, string> = {
      up: `${OVPN}up /tmp/evil.sh\n`,
      down: `${OVPN}--down /tmp/evil.sh\n`,
      'script-security': `${OVPN}script-security 2\n`,
      plugin: `${OVPN}plugin /tmp/evil.so\n`,
      'route-up': `${OVPN}route-up /tmp/evil.sh\n`,
      config: `${OVPN}config /etc/passwd\n`,
      'unknown block': `${OVPN}<script>\nrm -rf ~\n</script>\n`,
      'no client': OVPN.replace('client\n', ''),
      'no remote': OVPN.replace('remote vpn.example.net 1194\n', ''),
    };
    for (const [what, ovpnContent] of Object.entries(dangerous)) {
      it(`createCustomConfig_${what.replace(/ /g, '_')}_is400InvalidConfigAndNothingStored`, async () => {
        const res = await create(a, 'Bad', ovpnContent);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, error: 'INVALID_CONFIG', message: expect.any(String) });
        expect(await count(h.db, 'custom_configs')).toBe(0);
      });
    }

    it('createCustomConfig_21stConfig_is409AndTheLimitHolds', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 20; i++) {
        const res = await create(a, `Config ${i}`);
        expect(res.status).toBe(201);
        ids.push(res.body.configId);
      }
      const refused = await create(a, 'Config 21');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ success: false, error: 'CONFIG_LIMIT_REACHED' });
      expect(await count(h.db, 'custom_configs')).toBe(20);
      // The limit is per account: deleting one makes room again.
      expect((await h.request('DELETE', `/v1/vpn/config/custom/${ids[0]}`, { token: a })).status).toBe(200);
      expect((await create(a, 'Config 21')).status).toBe(201);
      expect(await count(h.db, 'custom_configs')).toBe(20);
    });

    it('customConfig_otherUsersConfig_isInvisibleAndCannotBeDeleted', async () => {
      const b = (await h.register(PHONE_B, { deviceId: 'device-of-b' })).accessToken;
      const ofB = await create(b, 'B private');
      expect(ofB.status).toBe(201);
      const ofA = await create(a, 'A own');

      const stolen = await h.request('DELETE', `/v1/vpn/config/custom/${ofB.body.configId}`, { token: a });
      expect(stolen.status).toBe(404);
      expect(stolen.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
      expect(await count(h.db, 'custom_configs', 'id = ?', [ofB.body.configId])).toBe(1);

      expect((await list(a)).body.configs.map((c: { id: string }) => c.id)).toEqual([ofA.body.configId]);
      expect((await list(b)).body.configs.map((c: { id: string }) => c.id)).toEqual([ofB.body.configId]);
    });
  });
}
