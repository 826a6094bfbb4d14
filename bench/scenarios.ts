// The phases of `make bench`, each on servers of its own (see run.ts for the order and the
// report). Every phase is bounded: autocannon runs for `seconds`, probes for as long.
import { join } from 'node:path';
import { client, type Client } from '../test/support/http.ts';
import { startServer, type ServerProcess } from '../test/support/server-process.ts';
import { makeUsers, passwordAccounts, refreshTokens, type BenchUser } from './fixtures.ts';
import type { Options } from 'autocannon';
import { measure, type Measured } from './measure.ts';
import { probe, type ProbeResult } from './probe.ts';

export interface BenchContext {
  /** Scratch directory for databases and server logs. */
  work: string;
  seconds: number;
  connections: number;
  log(line: string): void;
}

// Limits are raised so they never refuse a bench request; they are still one DB upsert each
// (per IP, then per user) on every measured request. Responses are not validated (production default).
// Observability as in production: a metrics listener (so the counters count), one log line per request.
export const API_ENV = {
  USER_RATE_LIMIT_PER_MINUTE: '1000000000',
  IP_RATE_LIMIT_PER_MINUTE: '1000000000',
  OTP_SEND_LIMIT_PER_HOUR: '1000000',
  OTP_SEND_LIMIT_PER_IP_PER_HOUR: '1000000',
  LOGIN_MAX_FAILURES: '1000000000',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000000',
  VALIDATE_RESPONSES: '0',
  LOG_LEVEL: 'info',
  METRICS_PORT: '0',
};

export async function baseline(ctx: BenchContext, kind: 'raw' | 'express'): Promise<Measured> {
  const server = await startServer({ databaseUrl: 'sqlite::memory:', script: 'bench/baselines.ts', args: [kind], readyPath: '/' });
  try {
    ctx.log(`baseline ${kind}`);
    return await measure(kind === 'raw' ? 'node:http hello' : 'Express 5 hello', {
      url: server.url,
      pid: server.pid,
      connections: ctx.connections,
      duration: ctx.seconds,
    });
  } finally {
    await server.stop();
  }
}

export function rotating<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

type Requests = NonNullable<Options['requests']>;

/** An authenticated GET, rotating over the users' access tokens. */
export function authedGet(users: BenchUser[], path: string): Requests {
  const next = rotating(users);
  return [
    {
      method: 'GET',
      path,
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${next().accessToken}` } }),
    },
  ];
}

/** POST /v1/vpn/stats with cumulative counters that grow on every request, so each one really changes the row. */
export function statsPosts(users: BenchUser[]): Requests {
  const nextUser = rotating(users);
  return [
    {
      method: 'POST',
      path: '/v1/vpn/stats',
      setupRequest: (req) => {
        const u = nextUser();
        u.seq += 1;
        const body = JSON.stringify({ sessionId: u.vpnSessionId, bytesIn: u.seq * 4096, bytesOut: u.seq * 1024, duration: u.seq });
        return { ...req, headers: { ...req.headers, authorization: `Bearer ${u.accessToken}`, 'content-type': 'application/json' }, body };
      },
    },
  ];
}

/** POST /v1/auth/refresh, each presenting a token never used before: the successor another rotation returned. */
export function refreshPosts(pool: string[]): Requests {
  return [
    {
      method: 'POST',
      path: '/v1/auth/refresh',
      setupRequest: (req) => {
        const token = pool.shift();
        if (!token) throw new Error('refresh token pool ran dry');
        return { ...req, headers: { ...req.headers, 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: token }) };
      },
      onResponse: (status, body) => {
        if (status === 200) pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
      },
    },
  ];
}

/**
 * One path's requests as the bench sends them, for `count` new users of the server behind `c`:
 * the stats and refresh POSTs above, or an authenticated GET (bench/profile.ts, bench/ab.ts).
 */
export async function requestsFor(c: Client, path: string, count = 50): Promise<Requests> {
  const users = await makeUsers(c, count);
  if (path === '/v1/vpn/stats') return statsPosts(users);
  if (path !== '/v1/auth/refresh') return authedGet(users, path);
  const phones = users.map((u) => u.phone);
  return refreshPosts(await refreshTokens(c, phones, count * 4));
}

export async function apiSuite(
  ctx: BenchContext,
  label: string,
  databaseUrl: string,
): Promise<{ rows: Measured[]; server: ServerProcess; users: BenchUser[] }> {
  const server = await startServer({ databaseUrl, env: API_ENV, logFile: join(ctx.work, `${label}.log`) });
  const c = client(server.url);
  ctx.log(`${label}: minting ${ctx.connections} users and ${ctx.connections * 4} refresh tokens`);
  const users = await makeUsers(c, ctx.connections);
  const pool = await refreshTokens(
    c,
    users.map((u) => u.phone),
    ctx.connections * 4,
  );
  c.close();
  const rows: Measured[] = [];
  const url = server.url;
  const { connections, seconds } = ctx;

  ctx.log(`${label}: GET /v1/vpn/locations`);
  rows.push(await measure('GET /v1/vpn/locations', { url, pid: server.pid, connections, duration: seconds, requests: authedGet(users, '/v1/vpn/locations') }));
  ctx.log(`${label}: GET /v1/user/profile`);
  rows.push(await measure('GET /v1/user/profile', { url, pid: server.pid, connections, duration: seconds, requests: authedGet(users, '/v1/user/profile') }));

  ctx.log(`${label}: POST /v1/vpn/stats`);
  rows.push(await measure('POST /v1/vpn/stats', { url, pid: server.pid, connections, duration: seconds, requests: statsPosts(users) }));

  ctx.log(`${label}: POST /v1/auth/refresh`);
  rows.push(
    await measure('POST /v1/auth/refresh', {
      url,
      pid: server.pid,
      connections,
      duration: seconds,
      requests: refreshPosts(pool),
    }),
  );
  return { rows, server, users };
}

export interface FloodRun {
  label: string;
  hashConcurrency: number;
  flood: Measured;
  quiet: ProbeResult[];
  during: ProbeResult[];
}

/**
 * Wrong-password sign-ins from 32 connections, with two paced probes alongside, on its own
 * server (SQLite) so HASH_CONCURRENCY can differ: the default, and one hash per core.
 */
export async function loginFlood(
  ctx: BenchContext,
  label: string,
  env: Record<string, string>,
  hashConcurrency: number,
  withQuiet: boolean,
): Promise<FloodRun> {
  const server = await startServer({
    databaseUrl: `sqlite:${join(ctx.work, `flood-${hashConcurrency}.db`)}`,
    env: { ...API_ENV, ...env },
    logFile: join(ctx.work, `flood-${hashConcurrency}.log`),
  });
  try {
    const c = client(server.url);
    const [user] = await makeUsers(c, 1, '646');
    const token = user!.accessToken;
    // Many accounts, so no number piles up failure rows (the lockout query reads them all).
    const phones = await passwordAccounts(c, 32, 'BenchPass123');
    c.close();
    const probeOptions = { intervalMs: 20, durationMs: ctx.seconds * 1000 };
    const probes = () => Promise.all([probe(server.url, '/health', probeOptions), probe(server.url, '/v1/user/profile', { ...probeOptions, token })]);
    ctx.log(`login flood (${label}): ${withQuiet ? 'quiet probes, then ' : ''}flood + probes`);
    const quiet = withQuiet ? await probes() : [];
    const next = rotating(phones);
    const [flood, during] = await Promise.all([
      measure('POST /v1/auth/login (wrong password)', {
        url: server.url,
        pid: server.pid,
        connections: 32,
        duration: ctx.seconds,
        warmupSeconds: 0,
        requests: [
          {
            method: 'POST',
            path: '/v1/auth/login',
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, 'content-type': 'application/json' },
              body: JSON.stringify({ phoneNumber: next(), password: 'WrongPass123' }),
            }),
          },
        ],
      }),
      probes(),
    ]);
    return { label, hashConcurrency, flood, quiet, during };
  } finally {
    await server.stop();
  }
}

export interface Startup {
  coldMs: number;
  warmMs: number;
  idleRssMiB: number;
  helloMs: number;
  helloRssMiB: number;
}

/** Spawn-to-ready and idle RSS, median of three, against the Express hello's. */
export async function startup(ctx: BenchContext): Promise<Startup> {
  const samples: { cold: number; warm: number; rss: number; helloMs: number; helloRss: number }[] = [];
  const env = { VALIDATE_RESPONSES: '0', METRICS_PORT: '0' };
  for (let i = 0; i < 3; i++) {
    const file = join(ctx.work, `startup-${i}.db`);
    const cold = await startServer({ databaseUrl: `sqlite:${file}`, env, logFile: join(ctx.work, `startup-${i}-cold.log`) });
    await cold.stop();
    const warm = await startServer({ databaseUrl: `sqlite:${file}`, env, logFile: join(ctx.work, `startup-${i}-warm.log`) });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rss = warm.rssKiB() ?? Number.NaN;
    await warm.stop();
    const hello = await startServer({ databaseUrl: 'sqlite::memory:', script: 'bench/baselines.ts', args: ['express'], readyPath: '/' });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const helloRss = hello.rssKiB() ?? Number.NaN;
    await hello.stop();
    samples.push({ cold: cold.readyMs, warm: warm.readyMs, rss, helloMs: hello.readyMs, helloRss });
  }
  const median = (pick: (s: (typeof samples)[number]) => number) => samples.map(pick).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  return {
    coldMs: median((s) => s.cold),
    warmMs: median((s) => s.warm),
    idleRssMiB: median((s) => s.rss) / 1024,
    helloMs: median((s) => s.helloMs),
    helloRssMiB: median((s) => s.helloRss) / 1024,
  };
}
