// Upgrades of a database that holds data: each migration keeps what the earlier schema stored.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../test/support/postgres.ts';
import { openDb, type Db, type Dialect } from './index.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations.ts';
import { DIALECTS, removeSqlite } from './testing.ts';

const T0 = 1_700_000_000_123;

/** An empty database of its own (not the worker's), at no migration yet; drop() removes it. */
async function blankDb(dialect: Dialect): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const file = join(tmpdir(), `barqnet-mig-${randomUUID()}.db`);
    const db = await openDb(`sqlite:${file}`, { migrate: false });
    return {
      db,
      drop: async () => {
        await db.close();
        removeSqlite(file);
      },
    };
  }
  const temp = await createDatabase('barqnet_mig');
  const db = await openDb(temp.url, { migrate: false });
  return {
    db,
    drop: async () => {
      await db.close();
      await temp.drop();
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`migrations (${dialect})`, () => {
    it('deviceRowPerSignIn_keepsEveryLinkAndGivesDevicelessLiveSessionsARow', async () => {
      const { db, drop } = await blankDb(dialect);
      try {
        await migrate(
          db,
          migrations.filter((m) => m.id < 4),
        );
        await db.run('INSERT INTO users (id, phone_number, data_quota, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', ['u1', '+15550001', 1, T0, T0]);
        await db.run("INSERT INTO devices (id, user_id, client_device_id, name, created_at, last_seen_at) VALUES ('dev_d1', 'u1', 'phone-1', 'Pixel', ?, ?)", [
          T0,
          T0,
        ]);
        const session = (id: string, device: string | null, revoked: number | null) =>
          db.run('INSERT INTO sessions (id, user_id, device_id, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)', [
            id,
            'u1',
            device,
            T0,
            T0 + 5,
            revoked,
          ]);
        await session('ses_AAAAAAAAAAAAAAAAAAAA', 'dev_d1', null);
        await session('ses_BBBBBBBBBBBBBBBBBBBB', null, null);
        await session('ses_CCCCCCCCCCCCCCCCCCCC', null, T0);

        await migrate(db);

        expect(await db.all('SELECT id, device_id FROM sessions ORDER BY id')).toEqual([
          { id: 'ses_AAAAAAAAAAAAAAAAAAAA', device_id: 'dev_d1' },
          { id: 'ses_BBBBBBBBBBBBBBBBBBBB', device_id: 'dev_BBBBBBBBBBBBBBBBBBBB' },
          { id: 'ses_CCCCCCCCCCCCCCCCCCCC', device_id: null },
        ]);
        expect(await db.all('SELECT id, client_device_id, name, last_seen_at FROM devices ORDER BY id')).toEqual([
          { id: 'dev_BBBBBBBBBBBBBBBBBBBB', client_device_id: 'dev_BBBBBBBBBBBBBBBBBBBB', name: null, last_seen_at: T0 + 5 },
          { id: 'dev_d1', client_device_id: 'phone-1', name: 'Pixel', last_seen_at: T0 },
        ]);
        // one deviceId, two rows; the foreign keys still hold
        await db.run("INSERT INTO devices (id, user_id, client_device_id, created_at, last_seen_at) VALUES ('dev_d2', 'u1', 'phone-1', ?, ?)", [T0, T0]);
        await db.run("DELETE FROM devices WHERE id = 'dev_d1'");
        expect(await db.one("SELECT device_id FROM sessions WHERE id = 'ses_AAAAAAAAAAAAAAAAAAAA'")).toEqual({ device_id: null });
        await db.run("DELETE FROM users WHERE id = 'u1'");
        expect(await db.all('SELECT id FROM devices')).toEqual([]);
      } finally {
        await drop();
      }
    });
  });
}
