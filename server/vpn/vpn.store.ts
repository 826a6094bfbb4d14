// Queries for locations, custom configs and VPN sessions.
import type { Queryable, ScalarSubquery } from '../db/index.ts';

export interface LocationRow {
  id: string;
  name: string;
  city: string;
  country: string;
  server_address: string;
  port: number;
  protocol: 'udp' | 'tcp';
  load: number;
  latency_ms: number;
  available: number;
  certificate_pins: string;
}

export interface CustomConfigRow {
  id: string;
  name: string;
  server_address: string;
  port: number;
  protocol: 'udp' | 'tcp';
  created_at: number;
}

export interface VpnSessionRow {
  id: string;
  status: string;
  connected_at: number | null;
  disconnected_at: number | null;
}

export function listLocations(db: Queryable) {
  return db.all<LocationRow>('SELECT * FROM locations ORDER BY sort_order, id');
}

export function findLocation(db: Queryable, id: string) {
  return db.one<LocationRow>('SELECT * FROM locations WHERE id = ?', [id]);
}

export function bestLocation(db: Queryable) {
  return db.one<LocationRow>('SELECT * FROM locations WHERE available = 1 ORDER BY load, sort_order LIMIT 1');
}

export function upsertLocation(db: Queryable, l: Omit<LocationRow, 'available'> & { available: boolean; sort_order: number }) {
  return db.run(
    `INSERT INTO locations (id, name, city, country, server_address, port, protocol, load, latency_ms, available, certificate_pins, sort_order)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city, country = excluded.country,
       server_address = excluded.server_address, port = excluded.port, protocol = excluded.protocol, load = excluded.load,
       latency_ms = excluded.latency_ms, available = excluded.available, certificate_pins = excluded.certificate_pins,
       sort_order = excluded.sort_order`,
    [l.id, l.name, l.city, l.country, l.server_address, l.port, l.protocol, l.load, l.latency_ms, l.available, l.certificate_pins, l.sort_order],
  );
}

export function listCustomConfigs(db: Queryable, userId: string) {
  return db.all<CustomConfigRow>(
    'SELECT id, name, server_address, port, protocol, created_at FROM custom_configs WHERE user_id = ? ORDER BY created_at DESC, id LIMIT 100',
    [userId],
  );
}

export async function countCustomConfigs(db: Queryable, userId: string): Promise<number> {
  const row = await db.one<{ n: number }>('SELECT COUNT(*) AS n FROM custom_configs WHERE user_id = ?', [userId]);
  return row?.n ?? 0;
}

export function insertCustomConfig(db: Queryable, c: CustomConfigRow & { user_id: string; ovpn_content: string }) {
  return db.run('INSERT INTO custom_configs (id, user_id, name, ovpn_content, server_address, port, protocol, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    c.id,
    c.user_id,
    c.name,
    c.ovpn_content,
    c.server_address,
    c.port,
    c.protocol,
    c.created_at,
  ]);
}

/** Ownership is part of the WHERE: another user's id deletes nothing and reads as not found. */
export function deleteCustomConfig(db: Queryable, id: string, userId: string) {
  return db.run('DELETE FROM custom_configs WHERE id = ? AND user_id = ?', [id, userId]);
}

export function findVpnSession(db: Queryable, id: string, userId: string) {
  return db.one<VpnSessionRow>('SELECT id, status, connected_at, disconnected_at FROM vpn_sessions WHERE id = ? AND user_id = ?', [id, userId]);
}

export function insertVpnSession(
  db: Queryable,
  s: {
    id: string;
    userId: string;
    deviceId: string | null;
    locationId: string | null;
    status: string;
    platform: string | null;
    appVersion: string | null;
    localIp: string | null;
    serverIp: string | null;
    connectedAt: number | null;
    now: number;
  },
) {
  return db.run(
    `INSERT INTO vpn_sessions (id, user_id, device_id, location_id, status, platform, app_version, local_ip, server_ip, connected_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [s.id, s.userId, s.deviceId, s.locationId, s.status, s.platform, s.appVersion, s.localIp, s.serverIp, s.connectedAt, s.now, s.now],
  );
}

/** Open sessions move on; closed ones stay closed, so a repeated report changes nothing. */
export function updateVpnSessionStatus(db: Queryable, id: string, userId: string, status: string, connectedAt: number | null, now: number) {
  const closing = status === 'DISCONNECTED' || status === 'ERROR';
  return db.run(
    `UPDATE vpn_sessions SET status = ?, updated_at = ?,
       connected_at = COALESCE(connected_at, ?),
       disconnected_at = CASE WHEN ? = 1 THEN ? ELSE disconnected_at END
     WHERE id = ? AND user_id = ? AND disconnected_at IS NULL`,
    [status, now, status === 'CONNECTED' ? connectedAt : null, closing ? 1 : 0, now, id, userId],
  );
}

/** Summed as doubles: each session is at most 2^53-1 bytes, but their total may pass it (and would overflow an integer SUM). */
const sum = (column: string) => `SUM(CAST(${column} AS DOUBLE PRECISION))`;

/**
 * Stats are cumulative per session: keeping the largest value seen makes a retried or
 * out-of-order report a no-op, so nothing is ever counted twice. Answers with the session's new
 * totals, the sums of the user's other sessions (summed as trafficOf sums) and `quota` (user/'s
 * subquery of the account's data quota), so the report's usage needs no other
 * statement; the row itself is excluded from the sums, so neither dialect's view of a row inside
 * its own UPDATE matters. Undefined when no such session exists.
 */
export function recordStats(
  db: Queryable,
  quota: ScalarSubquery,
  s: { id: string; userId: string; bytesIn: number; bytesOut: number; duration: number; now: number },
) {
  // data_quota is never NULL on a returned row: the session's account exists (ON DELETE CASCADE)
  return db.one<{ bytes_in: number; bytes_out: number; others_in: number | null; others_out: number | null; data_quota: number }>(
    `UPDATE vpn_sessions SET
       bytes_in = CASE WHEN ? > bytes_in THEN ? ELSE bytes_in END,
       bytes_out = CASE WHEN ? > bytes_out THEN ? ELSE bytes_out END,
       duration = CASE WHEN ? > duration THEN ? ELSE duration END,
       last_report_at = ?
     WHERE id = ? AND user_id = ?
     RETURNING bytes_in, bytes_out,
       (SELECT ${sum('o.bytes_in')} FROM vpn_sessions o WHERE o.user_id = ? AND o.id <> ?) AS others_in,
       (SELECT ${sum('o.bytes_out')} FROM vpn_sessions o WHERE o.user_id = ? AND o.id <> ?) AS others_out,
       (${quota}) AS data_quota`,
    [s.bytesIn, s.bytesIn, s.bytesOut, s.bytesOut, s.duration, s.duration, s.now, s.id, s.userId, s.userId, s.id, s.userId, s.id, s.userId],
  );
}

/** The bytes a user's sessions used (in + out, summed as trafficOf sums them; NULL before any
 *  session), for the profile's statement in user/. */
export const USED_DATA_OF_ACCOUNT: ScalarSubquery = `SELECT ${sum('bytes_in')} + ${sum('bytes_out')} FROM vpn_sessions WHERE user_id = ?`;

export function trafficOf(db: Queryable, userId: string) {
  return db.one<{ bytes_in: number | null; bytes_out: number | null }>(
    `SELECT ${sum('bytes_in')} AS bytes_in, ${sum('bytes_out')} AS bytes_out
     FROM vpn_sessions WHERE user_id = ?`,
    [userId],
  );
}
