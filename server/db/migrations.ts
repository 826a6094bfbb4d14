import type { Dialect } from './types.ts';

export interface Migration {
  id: number;
  name: string;
  /** statements to run, in order, inside one transaction */
  up(dialect: Dialect): string[];
}

// Portable SQL only: TEXT / INTEGER / BIGINT, timestamps as epoch-ms BIGINT, flags as 0/1 INTEGER.
// `TEXT PRIMARY KEY NOT NULL`: without NOT NULL, SQLite accepts NULL primary keys.
// Never edit a migration that has shipped; append a new one.
export const migrations: Migration[] = [
  {
    id: 1,
    name: 'init',
    up: (dialect) => [
      `CREATE TABLE users (
        id TEXT PRIMARY KEY NOT NULL,
        phone_number TEXT NOT NULL UNIQUE,
        password_hash TEXT NULL,
        name TEXT NULL,
        user_type TEXT NULL,
        email TEXT NULL,
        role TEXT NOT NULL DEFAULT 'user',
        preferences TEXT NOT NULL DEFAULT '{}',
        plan TEXT NOT NULL DEFAULT 'free',
        plan_expires_at BIGINT NULL,
        data_quota BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE otp_codes (
        id TEXT PRIMARY KEY NOT NULL,
        phone_number TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        expires_at BIGINT NOT NULL,
        consumed_at BIGINT NULL,
        created_at BIGINT NOT NULL,
        ip TEXT NULL
      )`,
      'CREATE INDEX otp_codes_phone_created ON otp_codes (phone_number, created_at)',
      `CREATE TABLE verification_tokens (
        token_hash TEXT PRIMARY KEY NOT NULL,
        phone_number TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE login_failures (
        id TEXT PRIMARY KEY NOT NULL,
        phone_number TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX login_failures_phone_created ON login_failures (phone_number, created_at)',
      `CREATE TABLE devices (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_device_id TEXT NOT NULL,
        name TEXT NULL,
        platform TEXT NULL,
        model TEXT NULL,
        os_version TEXT NULL,
        app_version TEXT NULL,
        language_code TEXT NULL,
        timezone TEXT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        UNIQUE (user_id, client_device_id)
      )`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_id TEXT NULL REFERENCES devices(id) ON DELETE SET NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT NOT NULL,
        revoked_at BIGINT NULL,
        revoked_reason TEXT NULL
      )`,
      'CREATE INDEX sessions_user ON sessions (user_id)',
      // FK-side indexes keep ON DELETE CASCADE / SET NULL from scanning the child table
      'CREATE INDEX sessions_device ON sessions (device_id)',
      `CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY NOT NULL,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        parent_hash TEXT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        rotated_at BIGINT NULL,
        revoked_at BIGINT NULL
      )`,
      'CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)',
      `CREATE TABLE locations (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        city TEXT NOT NULL,
        country TEXT NOT NULL,
        server_address TEXT NOT NULL,
        port INTEGER NOT NULL,
        protocol TEXT NOT NULL,
        load INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        available INTEGER NOT NULL,
        certificate_pins TEXT NOT NULL DEFAULT '[]',
        sort_order INTEGER NOT NULL
      )`,
      `CREATE TABLE custom_configs (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        ovpn_content TEXT NOT NULL,
        server_address TEXT NULL,
        port INTEGER NULL,
        protocol TEXT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX custom_configs_user ON custom_configs (user_id)',
      `CREATE TABLE vpn_sessions (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_id TEXT NULL,
        location_id TEXT NULL,
        status TEXT NOT NULL,
        platform TEXT NULL,
        app_version TEXT NULL,
        local_ip TEXT NULL,
        server_ip TEXT NULL,
        connected_at BIGINT NULL,
        disconnected_at BIGINT NULL,
        bytes_in BIGINT NOT NULL DEFAULT 0,
        bytes_out BIGINT NOT NULL DEFAULT 0,
        duration BIGINT NOT NULL DEFAULT 0,
        last_report_at BIGINT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX vpn_sessions_user ON vpn_sessions (user_id)',
      ...(dialect === 'sqlite'
        ? ['CREATE TABLE IF NOT EXISTS limits.rate_counters (key TEXT PRIMARY KEY NOT NULL, window_start BIGINT NOT NULL, count INTEGER NOT NULL)']
        : [
            'CREATE SCHEMA IF NOT EXISTS limits',
            'CREATE UNLOGGED TABLE IF NOT EXISTS limits.rate_counters (key TEXT PRIMARY KEY NOT NULL, window_start BIGINT NOT NULL, count INTEGER NOT NULL)',
          ]),
    ],
  },
  {
    id: 2,
    name: 'gcra_rate_limits',
    // fixed windows -> GCRA (server/lib/rate-limit.ts); the counters are disposable
    up: (dialect) => ['DROP TABLE IF EXISTS limits.rate_counters', ...limitsSchema(dialect)],
  },
  {
    id: 3,
    // Failures are counted per (number, client address) and per address: a lock per number
    // alone let anyone lock an owner out with five wrong guesses.
    name: 'login_failures_by_address',
    up: () => [
      "ALTER TABLE login_failures ADD COLUMN ip TEXT NOT NULL DEFAULT ''",
      'DROP INDEX login_failures_phone_created',
      'CREATE INDEX login_failures_phone_ip_created ON login_failures (phone_number, ip, created_at)',
      'CREATE INDEX login_failures_ip_created ON login_failures (ip, created_at)',
    ],
  },
  {
    id: 4,
    name: 'device_per_sign_in',
    // A deviceId is the client's word, not an identity: two live sign-ins naming one deviceId
    // get two rows (server/user/user.store.ts), so the (user, deviceId) key stops being unique.
    // Live sessions without a device row (sign-ins without deviceId) get one, named by its id.
    up: (dialect) => [
      ...(dialect === 'sqlite' ? rebuildDevicesWithoutUnique() : ['ALTER TABLE devices DROP CONSTRAINT devices_user_id_client_device_id_key']),
      'CREATE INDEX devices_user_client ON devices (user_id, client_device_id)',
      `INSERT INTO devices (id, user_id, client_device_id, created_at, last_seen_at)
       SELECT 'dev_' || substr(id, 5), user_id, 'dev_' || substr(id, 5), created_at, last_used_at FROM sessions
       WHERE device_id IS NULL AND revoked_at IS NULL`,
      "UPDATE sessions SET device_id = 'dev_' || substr(id, 5) WHERE device_id IS NULL AND revoked_at IS NULL",
    ],
  },
  {
    id: 5,
    name: 'retention_indexes',
    // the retention job (server/auth/retention.ts) deletes by age without scanning whole tables
    up: () => [
      'CREATE INDEX otp_codes_expires ON otp_codes (expires_at)',
      'CREATE INDEX verification_tokens_expires ON verification_tokens (expires_at)',
      'CREATE INDEX login_failures_created ON login_failures (created_at)',
      'CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at)',
      'CREATE INDEX sessions_revoked ON sessions (revoked_at)',
    ],
  },
];

/** SQLite drops a table constraint only by rebuilding the table. Dropping `devices` under
 *  foreign_keys=ON sets sessions.device_id to NULL (and the pragma cannot change inside the
 *  migration's transaction), so the links are saved first and put back after the rename. */
function rebuildDevicesWithoutUnique(): string[] {
  return [
    `CREATE TABLE devices_new (
      id TEXT PRIMARY KEY NOT NULL,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      client_device_id TEXT NOT NULL,
      name TEXT NULL,
      platform TEXT NULL,
      model TEXT NULL,
      os_version TEXT NULL,
      app_version TEXT NULL,
      language_code TEXT NULL,
      timezone TEXT NULL,
      created_at BIGINT NOT NULL,
      last_seen_at BIGINT NOT NULL
    )`,
    'INSERT INTO devices_new SELECT id, user_id, client_device_id, name, platform, model, os_version, app_version, language_code, timezone, created_at, last_seen_at FROM devices',
    'CREATE TABLE session_devices_saved AS SELECT id, device_id FROM sessions WHERE device_id IS NOT NULL',
    'DROP TABLE devices',
    'ALTER TABLE devices_new RENAME TO devices',
    'UPDATE sessions SET device_id = (SELECT s.device_id FROM session_devices_saved s WHERE s.id = sessions.id) WHERE id IN (SELECT id FROM session_devices_saved)',
    'DROP TABLE session_devices_saved',
  ];
}

/** Rate-limit counters: hot, disposable data kept out of the durable (fsync'd / WAL-logged) store.
 *  SQLite also runs this on every open, since the attached limits file may be new. */
export function limitsSchema(dialect: Dialect): string[] {
  // tat: the GCRA's theoretical arrival time (epoch µs); ok: whether the last hit was allowed
  const columns = '(key TEXT PRIMARY KEY NOT NULL, tat BIGINT NOT NULL, ok INTEGER NOT NULL)';
  if (dialect === 'sqlite') return [`CREATE TABLE IF NOT EXISTS limits.rate_limits ${columns}`];
  return ['CREATE SCHEMA IF NOT EXISTS limits', `CREATE UNLOGGED TABLE IF NOT EXISTS limits.rate_limits ${columns}`];
}
