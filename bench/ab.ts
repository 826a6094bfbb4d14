// `node bench/ab.ts <before> [path] [rounds] [postgres]`: an A/B of one request between two
// checkouts of the server, `<before>` (e.g. a `git worktree add /tmp/before <commit>` with
// node_modules linked in) and this one. Both servers run side by side with the bench's settings
// and 50 users each; they are measured in rounds of 3 s, back to back, the order reversed every
// round, and the medians of the server CPU µs/req are printed. For telling whether a change
// moved a figure that `make bench` measures with more noise than the change is worth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { client } from '../test/support/http.ts';
import { createDatabase, type TempDatabase } from '../test/support/postgres.ts';
import { startServer } from '../test/support/server-process.ts';
import { measure } from './measure.ts';
import { API_ENV, requestsFor } from './scenarios.ts';

const before = process.argv[2];
if (!before) {
  process.stderr.write('usage: node bench/ab.ts <checkout before> [path] [rounds] [postgres]\n');
  process.exit(2);
}
const path = process.argv[3] ?? '/v1/vpn/locations';
const rounds = Number(process.argv[4] ?? 6);
const postgres = process.argv[5] === 'postgres';
const work = mkdtempSync(join(tmpdir(), 'barqnet-ab-'));
const databases: TempDatabase[] = [];

async function side(label: string, script: string) {
  const database = postgres ? await createDatabase('barqnet_ab') : undefined;
  if (database) databases.push(database);
  const server = await startServer({
    databaseUrl: database?.url ?? `sqlite:${join(work, `${label}.db`)}`,
    env: API_ENV,
    logFile: join(work, `${label}.log`),
    script,
  });
  const c = client(server.url);
  const requests = await requestsFor(c, path);
  c.close();
  return { label, server, requests, cpu: [] as number[] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const sides = [await side('before', resolve(before, 'server/main.ts')), await side('after', 'server/main.ts')];
  const run = (s: (typeof sides)[number], duration: number) =>
    measure(path, { url: s.server.url, pid: s.server.pid, connections: 50, duration, requests: s.requests });
  for (const s of sides) await run(s, 2);
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? sides : [...sides].reverse()) s.cpu.push(Math.round((await run(s, 3)).cpuUsPerRequest));
  }
  for (const s of sides) {
    console.log(`${path} ${postgres ? 'PostgreSQL' : 'SQLite'} ${s.label}: ${median(s.cpu)} µs/req (rounds ${s.cpu.join(', ')})`);
    await s.server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  for (const database of databases) await database.drop();
}
