// Maps rows to the API's User object (types from generated/; rows never leave the service).
import type { components } from '../../generated/types.ts';
import type { Db } from '../db/index.ts';
import type { UserRow } from '../auth/session.store.ts';

type User = components['schemas']['User'];
type Device = components['schemas']['Device'];

const iso = (ms: number) => new Date(ms).toISOString();

interface DeviceRow {
  id: string;
  client_device_id: string;
  name: string | null;
  platform: Device['platform'];
  model: string | null;
  os_version: string | null;
  app_version: string | null;
  created_at: number;
  last_seen_at: number;
}

export async function listDeviceViews(db: Db, userId: string, currentDeviceId: string | null): Promise<Device[]> {
  const rows = await db.all<DeviceRow>('SELECT * FROM devices WHERE user_id = ? ORDER BY last_seen_at DESC, id LIMIT 100', [userId]);
  return rows.map((d) => ({
    id: d.id,
    deviceId: d.client_device_id,
    name: d.name,
    platform: d.platform,
    model: d.model,
    osVersion: d.os_version,
    appVersion: d.app_version,
    lastConnected: iso(d.last_seen_at),
    createdAt: iso(d.created_at),
    current: d.id === currentDeviceId,
  }));
}

export async function usageOf(db: Db, user: Pick<UserRow, 'id' | 'data_quota'>): Promise<components['schemas']['Usage']> {
  // Summed as doubles: each session is at most 2^53-1 bytes, but their total may pass it (and
  // would overflow an integer SUM); the totals are then clamped to the contract's maximum.
  const row = await db.one<{ bytes_in: number | null; bytes_out: number | null }>(
    `SELECT SUM(CAST(bytes_in AS DOUBLE PRECISION)) AS bytes_in, SUM(CAST(bytes_out AS DOUBLE PRECISION)) AS bytes_out
     FROM vpn_sessions WHERE user_id = ?`,
    [user.id],
  );
  const clamp = (n: number | null | undefined) => Math.min(Number(n ?? 0), Number.MAX_SAFE_INTEGER);
  const totalBytesIn = clamp(row?.bytes_in);
  const totalBytesOut = clamp(row?.bytes_out);
  const usedData = Math.min(totalBytesIn + totalBytesOut, Number.MAX_SAFE_INTEGER);
  return {
    totalBytesIn,
    totalBytesOut,
    usedData,
    dataQuota: user.data_quota,
    remainingQuota: Math.max(0, user.data_quota - usedData),
    quotaExceeded: usedData >= user.data_quota,
  };
}

export function needsProfile(user: Pick<UserRow, 'name' | 'user_type'>): boolean {
  return !user.name || !user.user_type;
}

export async function userView(db: Db, user: UserRow, currentDeviceId: string | null): Promise<User> {
  const [devices, usage] = await Promise.all([listDeviceViews(db, user.id, currentDeviceId), usageOf(db, user)]);
  return {
    id: user.id,
    phoneNumber: user.phone_number,
    name: user.name,
    userType: user.user_type as User['userType'],
    email: user.email,
    role: user.role as User['role'],
    preferences: JSON.parse(user.preferences) as User['preferences'],
    subscription: {
      plan: user.plan as User['subscription']['plan'],
      expiresAt: user.plan_expires_at === null ? null : iso(user.plan_expires_at),
      dataQuota: user.data_quota,
      usedData: usage.usedData,
    },
    devices,
    createdAt: iso(user.created_at),
  };
}
