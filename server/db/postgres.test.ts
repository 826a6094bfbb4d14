import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from './index.ts';
import { DIALECTS, TEST_DATABASE_URL, freshDb } from './testing.ts';

// Statements with parameters are prepared once per connection (postgres.ts).
describe.runIf(DIALECTS.includes('postgres'))('PostgreSQL prepared statements', () => {
  let db: Db;
  let other: Db;
  const table = `prepared_probe_${process.pid}`;
  beforeEach(async () => {
    db = await freshDb('postgres');
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${(await db.one<{ name: string }>('SELECT current_database() AS name'))!.name}`;
    other = await openDb(url.toString(), { migrate: false });
    await db.run(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, a INTEGER)`);
    await db.run(`INSERT INTO ${table} (id, a) VALUES (?, ?)`, [1, 10]);
  });
  afterEach(async () => {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
    await Promise.all([db.close(), other.close()]);
  });

  it('preparedSelectStar_columnAddedByAnotherInstance_answersWithTheNewColumn', async () => {
    const read = `SELECT * FROM ${table} WHERE id = ?`;
    // prepared on every pooled connection the reads land on
    for (let i = 0; i < 3; i++) expect(await db.one(read, [1])).toEqual({ id: 1, a: 10 });
    // a rolling deploy: another instance migrates while this one keeps its prepared statements
    await other.run(`ALTER TABLE ${table} ADD COLUMN b INTEGER`);
    for (let i = 0; i < 3; i++) expect(await db.one(read, [1])).toEqual({ id: 1, a: 10, b: null });
  });

  it('preparedStatement_sameSqlManyValues_eachCallGetsItsOwnRows', async () => {
    await Promise.all([2, 3, 4].map((id) => db.run(`INSERT INTO ${table} (id, a) VALUES (?, ?)`, [id, id * 10])));
    const rows = await Promise.all([1, 2, 3, 4].map((id) => db.one<{ a: number }>(`SELECT a FROM ${table} WHERE id = ?`, [id])));
    expect(rows.map((r) => r!.a)).toEqual([10, 20, 30, 40]);
  });
});
