import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db, type Dialect } from './index.ts';
import { sqliteFiles } from './sqlite.ts';

/** Deletes a SQLite database and every side file of it. */
export function removeSqlite(file: string): void {
  for (const f of sqliteFiles(file)) rmSync(f, { force: true });
}

/** Dialects to run the suites against; env TEST_DIALECTS=sqlite (comma list) narrows it. */
export const DIALECTS: Dialect[] = (process.env.TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is Dialect => {
    if (s === 'sqlite' || s === 'postgres') return true;
    if (s) throw new Error(`TEST_DIALECTS: unknown dialect ${s}`);
    return false;
  });

/** Admin connection used to create the per-worker and throw-away test databases. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated, empty database; close() it when done (SQLite also deletes its files). */
export async function freshDb(dialect: Dialect): Promise<Db> {
  return dialect === 'sqlite' ? freshSqlite() : freshPostgres();
}

async function freshSqlite(): Promise<Db> {
  const file = join(tmpdir(), `barqnet-test-${randomUUID()}.db`);
  const db = await openDb(`sqlite:${file}`);
  const close = db.close.bind(db);
  return Object.assign(db, {
    close: async () => {
      await close();
      removeSqlite(file);
    },
  });
}

let worker: Promise<{ url: string; tables: string }> | undefined;

async function freshPostgres(): Promise<Db> {
  worker ??= prepareWorkerDatabase().catch((err: unknown) => {
    worker = undefined;
    throw err;
  });
  const { url, tables } = await worker;
  const db = await openDb(url, { migrate: false });
  try {
    await db.run(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Once per vitest worker: recreate barqnet_test_<n> from the current migrations. */
async function prepareWorkerDatabase(): Promise<{ url: string; tables: string }> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  admin.on('error', () => {});
  await admin.connect();
  // Several vitest runs may share this server (and their pool ids): claim a slot with a session-level
  // advisory lock, held by this connection for the worker's lifetime, so no other run truncates our db.
  let slot = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
  while (!(await admin.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(7308653, $1) AS ok', [slot])).rows[0]?.ok) {
    slot += 1000;
  }
  const name = `barqnet_test_${slot}`;
  // recreate, so a database left by an older checkout never hides a migration change
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);

  const url = testDatabaseUrl(name);
  const db = await openDb(url);
  try {
    const rows = await db.all<{ name: string }>(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables
       WHERE schemaname IN ('public', 'limits') AND tablename <> 'schema_migrations' ORDER BY 1`,
    );
    return { url, tables: rows.map((r) => r.name).join(', ') };
  } finally {
    await db.close();
  }
}
