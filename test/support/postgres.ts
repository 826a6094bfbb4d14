// Throw-away PostgreSQL databases for tests that need one of their own (server processes, the
// migrations, the soak): each gets a `<prefix>_<random>` database, created through the admin URL
// (TEST_DATABASE_URL) and dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_DATABASE_URL, testDatabaseUrl } from '../../server/db/testing.ts';

export interface TempDatabase {
  name: string;
  url: string;
  /** The same database reached through another host:port (e.g. a proxy). */
  urlVia(host: string, port: number): string;
  drop(): Promise<void>;
}

export async function createDatabase(prefix = 'barqnet_sys'): Promise<TempDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await queryOnce(TEST_DATABASE_URL, `CREATE DATABASE ${name}`);
  const url = testDatabaseUrl(name);
  return {
    name,
    url,
    urlVia(host, port) {
      const via = new URL(url);
      via.hostname = host;
      via.port = String(port);
      return via.toString();
    },
    drop: () => queryOnce(TEST_DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

/** Runs one query on the database and closes the connection. */
export async function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}
