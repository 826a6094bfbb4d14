import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxy } from '../../test/support/tcp-proxy.ts';
import { DatabaseUnavailableError, isUniqueViolation, openDb, type Db, type Queryable, type Tx } from './index.ts';
import { migrate } from './migrate.ts';
import { migrations, type Migration } from './migrations.ts';
import { DIALECTS, TEST_DATABASE_URL, freshDb, removeSqlite } from './testing.ts';

const T0 = 1_700_000_000_123; // epoch ms, well past 2^31
const QUOTA = 10 * 1024 ** 3; // past 2^32

function addUser(db: Queryable, id: string, phone: string, createdAt = T0): Promise<number> {
  return db.run('INSERT INTO users (id, phone_number, data_quota, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [id, phone, QUOTA, createdAt, createdAt]);
}

const count = async (db: Queryable, table: string) => (await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const probe: Migration = { id: 1_000_000, name: 'probe', up: () => ['CREATE TABLE migration_probe (id INTEGER)'] };

for (const dialect of DIALECTS) {
  describe(`db (${dialect})`, () => {
    let db: Db;
    beforeEach(async () => {
      db = await freshDb(dialect);
    });
    afterEach(async () => {
      await db.close();
    });

    it('afterCommit_runsAfterCommitOnly', async () => {
      const seen: string[] = [];
      await db.transaction(async (tx) => {
        await addUser(tx, 'u1', '+15550001');
        tx.afterCommit(() => seen.push(`committed:${seen.length}`));
        seen.push('in tx');
      });
      await expect(
        db.transaction(async (tx) => {
          tx.afterCommit(() => seen.push('rolled back'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(seen).toEqual(['in tx', 'committed:1']);
    });

    it('transactions_begunTogether_eachCommitsOrRollsBackOnItsOwn', async () => {
      // on SQLite they share one group commit (one fsync), each in its own savepoint
      const results = await Promise.allSettled(
        ['+15550001', '+15550002', '+15550001', '+15550004'].map((phone, i) =>
          db.transaction(async (tx) => {
            await addUser(tx, `u${i}`, phone);
            await tx.run('UPDATE users SET name = ? WHERE id = ?', [`n${i}`, `u${i}`]);
            return i;
          }),
        ),
      );
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : isUniqueViolation(r.reason) ? 'duplicate' : r.reason))).toEqual([0, 1, 'duplicate', 3]);
      expect(await db.all('SELECT id, name FROM users ORDER BY id')).toEqual([
        { id: 'u0', name: 'n0' },
        { id: 'u1', name: 'n1' },
        { id: 'u3', name: 'n3' },
      ]);
    });

    it('runs all/one/run with ? params', async () => {
      expect(db.dialect).toBe(dialect);
      expect(await addUser(db, 'u1', '+15550001')).toBe(1);
      expect(await addUser(db, 'u2', '+15550002')).toBe(1);
      const rows = await db.all<{ id: string; role: string }>('SELECT id, role FROM users WHERE id IN (?, ?) ORDER BY id', ['u1', 'u2']);
      expect(rows).toEqual([
        { id: 'u1', role: 'user' },
        { id: 'u2', role: 'user' },
      ]);
      expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
      expect(await db.one('SELECT id, name FROM users WHERE phone_number = ?', ['+15550002'])).toEqual({ id: 'u2', name: null });
      expect(await db.one('SELECT id FROM users WHERE id = ?', ['nope'])).toBeUndefined();
      expect(await db.run('DELETE FROM users WHERE id = ?', ['nope'])).toBe(0);
      expect(await db.run('UPDATE users SET name = ? WHERE plan = ?', ['x', 'free'])).toBe(2);
      // SQLite's `changes` would still say 2 here (it ignores non-DML statements)
      expect(await db.run('CREATE TEMP TABLE scratch (x INTEGER)')).toBe(0);
      expect(await db.run('WITH gone AS (SELECT id FROM users WHERE id = ?) DELETE FROM users WHERE id IN (SELECT id FROM gone)', ['u1'])).toBe(1);
      await db.ping();
    });

    it('returns bigint columns, COUNT and SUM as numbers', async () => {
      await addUser(db, 'u1', '+15550001');
      await addUser(db, 'u2', '+15550002', T0 + 1);
      const user = await db.one<{ created_at: unknown; data_quota: unknown }>('SELECT created_at, data_quota FROM users WHERE id = ?', ['u1']);
      expect(user).toEqual({ created_at: T0, data_quota: QUOTA });
      const agg = await db.one('SELECT COUNT(*) AS n, SUM(data_quota) AS total, MAX(created_at) AS latest FROM users');
      expect(agg).toEqual({ n: 2, total: 2 * QUOTA, latest: T0 + 1 });
      expect(await db.one('SELECT SUM(attempts) AS s FROM otp_codes')).toEqual({ s: null });
    });

    it('stores booleans as 0/1', async () => {
      await db.run(
        `INSERT INTO locations (id, name, city, country, server_address, port, protocol, load, latency_ms, available, sort_order)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ['l1', 'A', 'B', 'C', 'vpn.example', 1194, 'udp', 10, 20, true, 1],
      );
      expect(await db.one('SELECT available, certificate_pins FROM locations')).toEqual({ available: 1, certificate_pins: '[]' });
      expect(await db.all('SELECT id FROM locations WHERE available = ?', [true])).toEqual([{ id: 'l1' }]);
    });

    it('commits and rolls back transactions', async () => {
      const value = await db.transaction(async (tx) => {
        await addUser(tx, 'u1', '+15550001');
        return 'done';
      });
      expect(value).toBe('done');
      const boom = new Error('boom');
      await expect(
        db.transaction(async (tx) => {
          await addUser(tx, 'u2', '+15550002');
          expect(await count(tx, 'users')).toBe(2);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await db.all('SELECT id FROM users')).toEqual([{ id: 'u1' }]);
      // a failing statement rolls back everything before it
      await expect(
        db.transaction(async (tx) => {
          await addUser(tx, 'u3', '+15550003');
          await addUser(tx, 'u4', '+15550001');
        }),
      ).rejects.toSatisfy(isUniqueViolation);
      expect(await count(db, 'users')).toBe(1);
    });

    it('refuses to use a transaction handle after it finished', async () => {
      let leaked: Tx | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked!.one('SELECT 1')).rejects.toThrow('transaction already finished');
    });

    it('serialises concurrent read-modify-write transactions', async () => {
      await db.run('INSERT INTO limits.rate_limits (key, tat, ok) VALUES (?, ?, ?)', ['c', 0, 1]);
      // SQLite has one connection, serialised by the mutex; PG needs a row lock for the same effect
      const read = `SELECT tat FROM limits.rate_limits WHERE key = ?${dialect === 'postgres' ? ' FOR UPDATE' : ''}`;
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            const row = await tx.one<{ tat: number }>(read, ['c']);
            await sleep(1);
            await tx.run('UPDATE limits.rate_limits SET tat = ? WHERE key = ?', [row!.tat + 1, 'c']);
          }),
        ),
      );
      expect(await db.one('SELECT tat FROM limits.rate_limits WHERE key = ?', ['c'])).toEqual({ tat: 20 });
    });

    if (dialect === 'sqlite') {
      /** A SQLite file opened by the store (`mine`) and by another process (here: another connection). */
      async function twoConnections(test: (mine: Db, other: DatabaseSync) => Promise<void>) {
        const file = join(tmpdir(), `barqnet-two-${randomUUID()}.db`);
        const mine = await openDb(`sqlite:${file}`);
        const other = new DatabaseSync(file);
        try {
          await test(mine, other);
        } finally {
          if (other.isTransaction) other.exec('ROLLBACK');
          other.close();
          await mine.close();
          removeSqlite(file);
        }
      }

      it('busy_anotherProcessHoldsTheWriteLock_isDatabaseUnavailableNot500', async () => {
        await twoConnections(async (mine, other) => {
          // the other holds the write lock past busy_timeout
          other.exec('BEGIN IMMEDIATE');
          await expect(addUser(mine, 'u1', '+15550001')).rejects.toBeInstanceOf(DatabaseUnavailableError);
          await expect(mine.transaction(async (tx) => addUser(tx, 'u2', '+15550002'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
        });
      }, 30_000);

      it('rateLimitWrites_anotherProcessHoldsMainsWriteLock_answerAtOnce', async () => {
        await twoConnections(async (mine, other) => {
          other.exec('BEGIN IMMEDIATE'); // the main database's write lock, not the limits file's
          const upsert = (key: string) =>
            mine.one<{ tat: number }>(
              'INSERT INTO limits.rate_limits (key, tat, ok) VALUES (?, 1, 1) ON CONFLICT (key) DO UPDATE SET tat = tat + 1 RETURNING tat',
              [key],
            );
          const started = performance.now();
          // issued together: were they one group commit, its BEGIN IMMEDIATE would wait for main
          expect(await Promise.all([upsert('a'), upsert('b'), upsert('a')])).toEqual([{ tat: 1 }, { tat: 1 }, { tat: 2 }]);
          expect(performance.now() - started).toBeLessThan(2_500); // busy_timeout is 5 s
        });
      }, 30_000);

      it('selectStar_anotherProcessRebuildsTheTable_rowsCarryTheNewColumnNames', async () => {
        await twoConnections(async (mine, other) => {
          await mine.run('CREATE TABLE probe (id TEXT, secret TEXT, name TEXT)');
          await mine.run("INSERT INTO probe VALUES ('1', 's3cret', 'alice')");
          expect(await mine.one('SELECT * FROM probe')).toEqual({ id: '1', secret: 's3cret', name: 'alice' });
          expect(await mine.one('SELECT id, name FROM probe')).toEqual({ id: '1', name: 'alice' });
          // a migration in another process: SQLite re-prepares the cached statements
          other.exec("DROP TABLE probe; CREATE TABLE probe (id TEXT, name TEXT, email TEXT); INSERT INTO probe VALUES ('1', 'alice', 'a@example.com')");
          expect(await mine.one('SELECT * FROM probe')).toEqual({ id: '1', name: 'alice', email: 'a@example.com' });
          expect(await mine.one('SELECT id, name FROM probe')).toEqual({ id: '1', name: 'alice' });
        });
      });
    }

    if (dialect === 'sqlite') {
      it('keeps other callers out of an open transaction', async () => {
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        const done = db.transaction(async (tx) => {
          await addUser(tx, 'u1', '+15550001');
          entered();
          await sleep(5);
          await addUser(tx, 'u2', '+15550002');
        });
        await inside;
        // issued mid-transaction from another async context: waits for the commit
        expect(await count(db, 'users')).toBe(2);
        await done;
      });
    }

    it('answers concurrent writes each with its own count, a failing one alone', async () => {
      await addUser(db, 'u1', '+15550001');
      // issued together: on SQLite they share one group commit
      const results = await Promise.allSettled([
        db.run('UPDATE users SET name = ? WHERE id = ?', ['a', 'u1']),
        addUser(db, 'u2', '+15550002'),
        addUser(db, 'u3', '+15550001'), // duplicate phone
        db.run('DELETE FROM users WHERE id = ?', ['nobody']),
        addUser(db, 'u4', '+15550004'),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([1, 1, 'failed', 0, 1]);
      expect(isUniqueViolation((results[2] as PromiseRejectedResult).reason)).toBe(true);
      expect(await db.all('SELECT id, name FROM users ORDER BY id')).toEqual([
        { id: 'u1', name: 'a' },
        { id: 'u2', name: null },
        { id: 'u4', name: null },
      ]);
    });

    it('supports UPDATE ... RETURNING', async () => {
      await addUser(db, 'u1', '+15550001');
      const row = await db.one('UPDATE users SET plan = ?, updated_at = ? WHERE id = ? RETURNING id, plan, updated_at', ['pro', T0 + 5, 'u1']);
      expect(row).toEqual({ id: 'u1', plan: 'pro', updated_at: T0 + 5 });
      expect(await db.all('DELETE FROM users WHERE id = ? RETURNING id', ['u1'])).toEqual([{ id: 'u1' }]);
    });

    it('answers concurrent RETURNING writes each with its own rows, in one group commit on SQLite', async () => {
      const batches: [string, number][] = [];
      db.observe?.({ queryError: () => {}, batch: (kind, size) => batches.push([kind, size]) });
      await Promise.all([addUser(db, 'u1', '+15550001'), addUser(db, 'u2', '+15550002')]);
      batches.length = 0;
      const [one, all, none, failed] = await Promise.allSettled([
        db.one('UPDATE users SET plan = ? WHERE id = ? RETURNING id, plan', ['pro', 'u1']),
        db.all<{ id: string }>('UPDATE users SET name = ? RETURNING id', ['n']).then((rows) => rows.sort((a, b) => a.id.localeCompare(b.id))),
        db.one('UPDATE users SET plan = ? WHERE id = ? RETURNING id', ['pro', 'nobody']),
        db.one('UPDATE users SET phone_number = ? WHERE id = ? RETURNING id', ['+15550001', 'u2']), // duplicate phone
      ]);
      expect([one, all, none].map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
        { id: 'u1', plan: 'pro' },
        [{ id: 'u1' }, { id: 'u2' }],
        undefined,
      ]);
      expect(failed.status === 'rejected' && isUniqueViolation(failed.reason)).toBe(true);
      if (dialect === 'sqlite') expect(batches).toEqual([['write', 4]]);
      expect(await db.all('SELECT id, plan, name, phone_number FROM users ORDER BY id')).toEqual([
        { id: 'u1', plan: 'pro', name: 'n', phone_number: '+15550001' },
        { id: 'u2', plan: 'free', name: 'n', phone_number: '+15550002' },
      ]);
    });

    it('enforces foreign keys with cascades', async () => {
      await addUser(db, 'u1', '+15550001');
      await db.run('INSERT INTO devices (id, user_id, client_device_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)', ['d1', 'u1', 'c1', T0, T0]);
      await db.run('INSERT INTO sessions (id, user_id, device_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)', ['s1', 'u1', 'd1', T0, T0]);
      await expect(db.run('INSERT INTO sessions (id, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)', ['s2', 'nobody', T0, T0])).rejects.toThrow();
      await db.run('DELETE FROM devices WHERE id = ?', ['d1']);
      expect(await db.one('SELECT device_id FROM sessions')).toEqual({ device_id: null });
      await db.run('DELETE FROM users WHERE id = ?', ['u1']);
      expect(await count(db, 'sessions')).toBe(0);
    });

    it('migrates idempotently', async () => {
      expect(await migrate(db)).toEqual([]);
      expect(await db.all('SELECT id, name FROM schema_migrations ORDER BY id')).toEqual(migrations.map(({ id, name }) => ({ id, name })));
      if (dialect === 'sqlite') {
        const file = join(tmpdir(), `barqnet-test-${randomUUID()}.db`);
        try {
          for (let i = 0; i < 2; i++) {
            const again = await openDb(`sqlite:${file}`);
            expect(await count(again, 'schema_migrations')).toBe(migrations.length);
            await again.close();
          }
        } finally {
          removeSqlite(file);
        }
      } else {
        // two "processes" starting at once with a pending migration: exactly one applies it
        const url = new URL(TEST_DATABASE_URL);
        url.pathname = `/${(await db.one<{ name: string }>('SELECT current_database() AS name'))!.name}`;
        const [a, b] = await Promise.all([openDb(url.toString()), openDb(url.toString())]);
        try {
          const applied = await Promise.all([migrate(a, [...migrations, probe]), migrate(b, [...migrations, probe])]);
          expect(applied.flat()).toEqual([probe.id]);
        } finally {
          await db.run('DROP TABLE IF EXISTS migration_probe');
          await db.run('DELETE FROM schema_migrations WHERE id = ?', [probe.id]);
          await Promise.all([a.close(), b.close()]);
        }
      }
    });

    if (dialect === 'postgres') {
      it('survives terminated connections', async () => {
        const admin = await openDb(TEST_DATABASE_URL, { migrate: false });
        const kill = (pid: number) => admin.run('SELECT pg_terminate_backend(?, 5000)', [pid]);
        try {
          const { pid } = (await db.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!;
          await kill(pid); // an idle pooled client dies: the pool's 'error' event must not crash us
          await sleep(50);
          expect(await db.one('SELECT 1 AS x')).toEqual({ x: 1 });

          const failed = db.transaction(async (tx) => {
            await kill((await tx.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid);
            await tx.one('SELECT 1');
          });
          await expect(failed).rejects.toBeInstanceOf(DatabaseUnavailableError);
          expect(await db.one('SELECT 2 AS x')).toEqual({ x: 2 });
        } finally {
          await admin.close();
        }
      });
    }
    if (dialect === 'postgres') {
      it('works again once PostgreSQL is back', async () => {
        // a TCP proxy in front of the server stands in for stopping and restarting it
        const target = new URL(TEST_DATABASE_URL);
        const proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
        const url = new URL(TEST_DATABASE_URL);
        url.port = String(proxy.port);
        url.pathname = `/${(await db.one<{ name: string }>('SELECT current_database() AS name'))!.name}`;
        const viaProxy = await openDb(url.toString(), { migrate: false });
        try {
          expect(await viaProxy.one('SELECT 1 AS x')).toEqual({ x: 1 });
          proxy.cut();
          await expect(viaProxy.one('SELECT 1 AS x')).rejects.toBeInstanceOf(DatabaseUnavailableError);
          await expect(viaProxy.transaction(async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailableError);
          proxy.restore();
          expect(await viaProxy.one('SELECT 1 AS x')).toEqual({ x: 1 });
          expect(await viaProxy.transaction(async (tx) => tx.one('SELECT 2 AS x'))).toEqual({ x: 2 });
        } finally {
          await viaProxy.close();
          await proxy.close();
        }
      });
    }
  });
}

describe('unreachable PostgreSQL', () => {
  const url = 'postgres://postgres:postgres@127.0.0.1:1/barqnet';

  it('rejects openDb with DatabaseUnavailableError', async () => {
    const err = await openDb(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects ping, queries and transactions with DatabaseUnavailableError', async () => {
    const db = await openDb(url, { migrate: false });
    try {
      await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.run('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.transaction(async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(DIALECTS.includes('postgres'))('PostgreSQL notices', () => {
  it('notify_inATransaction_arrivesAtCommitAndNeverAfterARollback', async () => {
    const db = await freshDb('postgres');
    const messages: string[] = [];
    let up!: () => void;
    const listening = new Promise<void>((resolve) => (up = resolve));
    db.listen('barqnet_test_channel', { message: (m) => messages.push(m), down: () => {}, up: () => up() });
    try {
      await listening;
      await expect(
        db.transaction(async (tx) => {
          await tx.notify('barqnet_test_channel', 'rolled back');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await db.transaction(async (tx) => {
        await tx.notify('barqnet_test_channel', 'committed');
        await sleep(100);
        expect(messages).toEqual([]);
      });
      const deadline = Date.now() + 5_000;
      while (messages.length === 0 && Date.now() < deadline) await sleep(5);
      expect(messages).toEqual(['committed']);
    } finally {
      await db.close();
    }
  });
});
