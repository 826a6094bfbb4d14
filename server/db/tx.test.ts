// What a transaction guarantees: tx.lock(key) holds the key until the transaction ends (the second
// taker waits on PostgreSQL; SQLite already runs one at a time), and the plain db refuses every call
// made from inside a transaction (PostgreSQL would run it outside it, SQLite would wait for it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Queryable } from './index.ts';
import { DIALECTS, freshDb } from './testing.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const addUser = (q: Queryable, id: string) =>
  q.run('INSERT INTO users (id, phone_number, data_quota, created_at, updated_at) VALUES (?, ?, 1, 0, 0)', [id, `+1555000${id.slice(1).padStart(4, '0')}`]);
const users = async (q: Queryable) => (await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n;

for (const dialect of DIALECTS) {
  describe(`transactions (${dialect})`, () => {
    let db: Db;
    beforeEach(async () => {
      db = await freshDb(dialect);
    });
    afterEach(async () => {
      await db.close();
    });

    it('lock_checkThenInsertRacing_admitsExactlyOne', async () => {
      // each reads "none yet" and inserts: without the lock, READ COMMITTED lets several through
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.lock('first-user');
            const none = (await users(tx)) === 0;
            await sleep(20);
            if (none) await addUser(tx, `u${i}`);
          }),
        ),
      );
      expect(await users(db)).toBe(1);
    });

    it('plainDb_insideATransaction_isRefusedAndRunsNothing', async () => {
      const refused = /called on the db inside a transaction: use the transaction's tx/;
      await db.transaction(async (tx) => {
        await addUser(tx, 'u1');
        await expect(addUser(db, 'u2')).rejects.toThrow(refused);
        await expect(db.one('SELECT 1 AS one')).rejects.toThrow(refused);
        await expect(db.all('SELECT 1 AS one')).rejects.toThrow(refused);
        await expect(db.transaction(async (inner) => addUser(inner, 'u3'))).rejects.toThrow(refused);
        await expect(db.notify('barqnet_test_channel', 'x')).rejects.toThrow(refused);
        await expect(db.ping()).rejects.toThrow(refused);
      });
      // the transaction committed its own work only, and the db answers again once it ended
      expect(await db.all('SELECT id FROM users')).toEqual([{ id: 'u1' }]);
    });

    if (dialect === 'postgres') {
      it('lock_sameKey_secondTransactionWaitsForTheFirstsCommit', async () => {
        const events: string[] = [];
        let locked!: () => void;
        const firstHolds = new Promise<void>((resolve) => (locked = resolve));
        const first = db.transaction(async (tx) => {
          await tx.lock('user:u1');
          locked();
          await sleep(200);
          events.push('first commits');
        });
        await firstHolds;
        const second = db.transaction(async (tx) => {
          await tx.lock('user:u1');
          events.push('second holds');
        });
        await Promise.all([first, second]);
        expect(events).toEqual(['first commits', 'second holds']);
      });

      it('lock_otherKey_doesNotWait', async () => {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const firstHolds = new Promise<void>((resolve) => (locked = resolve));
        const first = db.transaction(async (tx) => {
          await tx.lock('user:u1');
          locked();
          await held;
        });
        await firstHolds;
        // would hang (and time out) if keys shared one lock
        await db.transaction((tx) => tx.lock('user:u2'));
        release();
        await first;
      });
    }
  });
}
