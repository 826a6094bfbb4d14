// VPN rules: configurations per location, custom configs, connection sessions and usage.
import type { components, operations } from '../../generated/types.ts';
import type { Caller, Deps } from '../context.ts';
import { ConflictError, NotFoundError, QuotaExceededError, ValidationError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { QUOTA_OF_ACCOUNT, type UserService } from '../user/user.service.ts';
import { usageFrom, usageOf } from './usage.service.ts';
import { validateOvpn } from './ovpn.ts';
import * as store from './vpn.store.ts';
import locations from './locations.json' with { type: 'json' };

/** The body of reportConnectionStatus, from the contract (services import no HTTP module). */
type StatusReport = NonNullable<operations['reportConnectionStatus']['requestBody']>['content']['application/json'];

type Schemas = components['schemas'];
const iso = (ms: number) => new Date(ms).toISOString();

/** Writes the location list of the data file into the database (idempotent; run at start-up). */
export async function seedLocations(db: Deps['db']): Promise<void> {
  for (const [index, l] of locations.entries()) {
    await store.upsertLocation(db, {
      id: l.id,
      name: l.name,
      city: l.city,
      country: l.country,
      server_address: l.serverAddress,
      port: l.port,
      protocol: l.protocol as 'udp' | 'tcp',
      load: l.load,
      latency_ms: l.latency,
      available: l.available,
      certificate_pins: JSON.stringify(l.certificatePins),
      sort_order: index,
    });
  }
}

function ovpnFor(l: store.LocationRow): string {
  return [
    'client',
    'dev tun',
    `proto ${l.protocol}`,
    `remote ${l.server_address} ${l.port}`,
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'remote-cert-tls server',
    `verify-x509-name ${l.server_address} name`,
    'cipher AES-256-GCM',
    'data-ciphers AES-256-GCM:CHACHA20-POLY1305',
    'auth SHA256',
    'verb 3',
    '',
  ].join('\n');
}

export function createVpnService(deps: Deps, users: Pick<UserService, 'load'>) {
  const { db, clock, config } = deps;

  async function usage(caller: Caller): Promise<Schemas['Usage']> {
    const user = await users.load(caller);
    return usageOf(db, user.id, user.data_quota);
  }

  async function assertQuotaLeft(caller: Caller): Promise<void> {
    if ((await usage(caller)).quotaExceeded) throw new QuotaExceededError();
  }

  async function readLocations(): Promise<Schemas['Location'][]> {
    return (await store.listLocations(db)).map((l) => ({
      id: l.id,
      name: l.name,
      city: l.city,
      country: l.country,
      endpoint: l.server_address,
      load: l.load,
      latency: l.latency_ms,
      available: l.available === 1,
    }));
  }
  let listed: { at: number; value: Promise<Schemas['Location'][]> } | undefined;

  return {
    usage,

    listLocations(): Promise<Schemas['Location'][]> {
      // The list changes only when an operator edits the table: one read serves every caller
      // for LOCATIONS_CACHE_MS (a failed read is not kept).
      const now = performance.now();
      if (!listed || now - listed.at >= deps.config.locationsCacheMs) {
        const value = readLocations();
        listed = { at: now, value };
        value.catch(() => {
          if (listed?.value === value) listed = undefined;
        });
      }
      return listed.value;
    },

    async config(caller: Caller, locationId: string | undefined): Promise<Schemas['VpnConfig']> {
      const location = locationId ? await store.findLocation(db, locationId) : await store.bestLocation(db);
      if (!location && locationId) throw new NotFoundError('Location');
      if (!location) throw new ConflictError('LOCATION_UNAVAILABLE', 'No location is available right now; retry later');
      if (location.available !== 1) throw new ConflictError('LOCATION_UNAVAILABLE', `Location ${location.id} is unavailable; pick another one`);
      await assertQuotaLeft(caller);
      return {
        locationId: location.id,
        ovpnContent: ovpnFor(location),
        serverAddress: location.server_address,
        port: location.port,
        protocol: location.protocol,
        certificatePinning: JSON.parse(location.certificate_pins) as string[],
        expiresAt: iso(clock.now() + config.vpnConfigTtl * 1000),
      };
    },

    async listCustomConfigs(caller: Caller): Promise<Schemas['CustomConfig'][]> {
      return (await store.listCustomConfigs(db, caller.userId)).map((c) => ({
        id: c.id,
        name: c.name,
        serverAddress: c.server_address,
        port: c.port,
        protocol: c.protocol,
        createdAt: iso(c.created_at),
      }));
    },

    async createCustomConfig(caller: Caller, name: string, ovpnContent: string): Promise<Schemas['CustomConfig']> {
      const summary = validateOvpn(ovpnContent);
      const row = {
        id: newId('cfg'),
        user_id: caller.userId,
        name,
        ovpn_content: ovpnContent,
        server_address: summary.serverAddress,
        port: summary.port,
        protocol: summary.protocol,
        created_at: clock.now(),
      };
      await db.transaction(async (tx) => {
        await tx.lock(`user:${caller.userId}`);
        if ((await store.countCustomConfigs(tx, caller.userId)) >= config.maxCustomConfigs) {
          throw new ConflictError('CONFIG_LIMIT_REACHED', `At most ${config.maxCustomConfigs} custom configs per account`);
        }
        await store.insertCustomConfig(tx, row);
      });
      return { id: row.id, name, serverAddress: row.server_address, port: row.port, protocol: row.protocol, createdAt: iso(row.created_at) };
    },

    async deleteCustomConfig(caller: Caller, id: string): Promise<void> {
      if ((await store.deleteCustomConfig(db, id, caller.userId)) === 0) throw new NotFoundError('Custom config');
    },

    async reportStatus(caller: Caller, report: StatusReport) {
      const now = clock.now();
      const connectedAt = report.connectedAt ? Date.parse(report.connectedAt) : now;
      if (report.sessionId) {
        // Ownership is in the UPDATE's WHERE; only when nothing changed is the row read, to tell
        // a closed session (its status stands) from another user's or an unknown one (404).
        if ((await store.updateVpnSessionStatus(db, report.sessionId, caller.userId, report.status, connectedAt, now)) === 1) {
          return { sessionId: report.sessionId, status: report.status };
        }
        const closed = await store.findVpnSession(db, report.sessionId, caller.userId);
        if (!closed) throw new NotFoundError('VPN session');
        return { sessionId: closed.id, status: closed.status as Schemas['ConnectionStatus'] };
      }
      if (report.status === 'DISCONNECTED' || report.status === 'ERROR') {
        throw new ValidationError(`sessionId is required to report ${report.status}`, '/body/sessionId');
      }
      if (report.locationId && !(await store.findLocation(db, report.locationId))) throw new NotFoundError('Location');
      await assertQuotaLeft(caller);
      const id = newId('vpn');
      await store.insertVpnSession(db, {
        id,
        userId: caller.userId,
        deviceId: caller.deviceId,
        locationId: report.locationId ?? null,
        status: report.status,
        platform: report.platform ?? null,
        appVersion: report.appVersion ?? null,
        localIp: report.localIp ?? null,
        serverIp: report.serverIp ?? null,
        connectedAt: report.status === 'CONNECTED' ? connectedAt : null,
        now,
      });
      return { sessionId: id, status: report.status };
    },

    async reportStats(caller: Caller, s: { sessionId: string; bytesIn: number; bytesOut: number; duration: number }) {
      // one statement: the write, the other sessions' sums and the account's quota
      const row = await store.recordStats(db, QUOTA_OF_ACCOUNT, {
        id: s.sessionId,
        userId: caller.userId,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        duration: s.duration,
        now: clock.now(),
      });
      if (!row) {
        await users.load(caller); // an account deleted while its token still lives: 401, as elsewhere
        throw new NotFoundError('VPN session');
      }
      return usageFrom({ bytes_in: row.bytes_in + (row.others_in ?? 0), bytes_out: row.bytes_out + (row.others_out ?? 0) }, row.data_quota);
    },
  };
}

export type VpnService = ReturnType<typeof createVpnService>;
