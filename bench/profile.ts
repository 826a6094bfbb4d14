// `node bench/profile.ts [path] [seconds] [postgres]`: one API request under load with the
// server's CPU profiled (node --cpu-prof), then the top functions by self time and the share of
// each package. The path is sent as the bench sends it (scenarios.ts requestsFor); with
// `postgres` the server runs on a temporary PostgreSQL database instead of SQLite. For finding
// where a request's cost goes; `make bench` is where it is measured.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../scripts/lib/root.ts';
import { client } from '../test/support/http.ts';
import { createDatabase } from '../test/support/postgres.ts';
import { startServer } from '../test/support/server-process.ts';
import { measure } from './measure.ts';
import { API_ENV, requestsFor } from './scenarios.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const path = process.argv[2] ?? '/v1/vpn/locations';
const seconds = Number(process.argv[3] ?? 5);
const postgres = process.argv[4] === 'postgres' ? await createDatabase('barqnet_profile') : undefined;
const work = mkdtempSync(join(tmpdir(), 'barqnet-profile-'));
try {
  const server = await startServer({
    databaseUrl: postgres?.url ?? `sqlite:${join(work, 'p.db')}`,
    env: API_ENV,
    logFile: join(work, 'server.log'),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${work}`],
  });
  const c = client(server.url);
  const requests = await requestsFor(c, path);
  c.close();
  const m = await measure(path, {
    url: server.url,
    pid: server.pid,
    connections: 50,
    duration: seconds,
    requests,
  });
  await server.stop('SIGINT');
  const file = readdirSync(work).find((f) => f.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(readFileSync(join(work, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const repo = pathToFileURL(ROOT).href;
  /** Where a frame is, relative to node_modules or the repository; one key per function. */
  const whereOf = (url: string) => url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(repo, '');
  const keyOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anon)'} ${whereOf(f.url)}:${f.lineNumber}`;
  };
  const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
  const busy = profile.samples.filter((id) => !idle(id)).length;
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);

  const perFn = new Map<string, number>();
  const perPkg = new Map<string, number>();
  // Inclusive time (the function and what it called, recursion counted once): which layer of the
  // request costs what.
  const inclusive = new Map<string, number>();
  for (const [id, n] of self) {
    if (idle(id)) continue;
    add(perFn, keyOf(id), n);
    const url = byId.get(id)!.callFrame.url;
    const pkg = url.includes('node_modules/')
      ? url.split('node_modules/')[1]!.split('/')[0]!
      : url.startsWith('node:')
        ? 'node:' + url.slice(5).split('/')[0]
        : url
          ? whereOf(url).split('/').slice(0, 2).join('/')
          : '(native)';
    add(perPkg, pkg, n);
    const counted = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const key = keyOf(p);
      if (!counted.has(key)) add(inclusive, key, n);
      counted.add(key);
    }
  }
  const us = m.cpuUsPerRequest;
  console.log(`${path}: ${Math.round(m.rps)} req/s, ${Math.round(us)} µs CPU/req, ${busy} busy samples`);
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((v / busy) * us).toFixed(1).padStart(6)} µs  ${k}`);
  console.log('-- by package');
  console.log(top(perPkg, 25).join('\n'));
  console.log('-- by function');
  console.log(top(perFn, 40).join('\n'));
  console.log('-- inclusive, server and package frames');
  console.log(top(new Map([...inclusive].filter(([k]) => /server\/|express|router|pino|helmet|prom-client|_http/.test(k))), 45).join('\n'));
  // Who calls the heaviest functions: the four frames above each of their samples, by time.
  for (const [name] of [...perFn].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
    const chains = new Map<string, number>();
    for (const [id, n] of self) {
      if (keyOf(id) !== name) continue;
      const up: string[] = [];
      for (let p = parent.get(id); p !== undefined && up.length < 4; p = parent.get(p)) up.push(keyOf(p));
      add(chains, up.join(' < '), n);
    }
    console.log(`-- callers of ${name}`);
    console.log(top(chains, 4).join('\n'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await postgres?.drop();
}
