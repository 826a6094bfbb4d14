import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, hostname, release, type } from 'node:os';
import { join } from 'node:path';
import type { DeviceFields, Platform } from '../index.ts';

/** $BARQNET_CONFIG_DIR, else $XDG_CONFIG_HOME/barqnet, else ~/.config/barqnet (%APPDATA%\barqnet on Windows). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env['BARQNET_CONFIG_DIR']) return env['BARQNET_CONFIG_DIR'];
  if (env['XDG_CONFIG_HOME']) return join(env['XDG_CONFIG_HOME'], 'barqnet');
  if (process.platform === 'win32' && env['APPDATA']) return join(env['APPDATA'], 'barqnet');
  return join(homedir(), '.config', 'barqnet');
}

/** One token file per API origin, so signing in to the mock does not sign you out of the server. */
export function tokenFile(dir: string, baseUrl: string): string {
  return join(dir, `tokens-${baseUrl.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_')}.json`);
}

const PLATFORMS: Partial<Record<NodeJS.Platform, Platform>> = { linux: 'linux', darwin: 'macos', win32: 'windows' };

/** A stable installation id (created once, like an app's), and what the device list shows. */
export async function deviceFields(dir: string, appVersion: string): Promise<Required<DeviceFields>> {
  const file = join(dir, 'device-id');
  let deviceId = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!/^[A-Za-z0-9._:-]{4,128}$/.test(deviceId)) {
    deviceId = `cli-${randomUUID()}`;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${deviceId}\n`, { mode: 0o600 });
  }
  return {
    deviceId,
    deviceInfo: {
      platform: PLATFORMS[process.platform] ?? 'linux',
      name: `barqnet CLI on ${hostname()}`.slice(0, 100),
      osVersion: `${type()} ${release()}`.slice(0, 50),
      appVersion,
    },
  };
}
