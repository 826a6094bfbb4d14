// Maps rows to the API's User and Device objects (types from generated/; rows never leave the service).
import type { components } from '../../generated/types.ts';
import type { DeviceRow, UserRow } from './user.store.ts';

type User = components['schemas']['User'];
type Device = components['schemas']['Device'];

const iso = (ms: number) => new Date(ms).toISOString();

export function deviceView(d: DeviceRow, currentDeviceId: string | null): Device {
  return {
    id: d.id,
    deviceId: d.client_device_id,
    name: d.name,
    platform: d.platform as Device['platform'],
    model: d.model,
    osVersion: d.os_version,
    appVersion: d.app_version,
    lastConnected: iso(d.last_seen_at),
    createdAt: iso(d.created_at),
    current: d.id === currentDeviceId,
  };
}

export function needsProfile(user: Pick<UserRow, 'name' | 'user_type'>): boolean {
  return !user.name || !user.user_type;
}

export function userView(user: UserRow, devices: Device[], usedData: number): User {
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
      usedData,
    },
    devices,
    createdAt: iso(user.created_at),
  };
}
