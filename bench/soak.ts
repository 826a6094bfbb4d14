// `make soak`: 200 simulated apps run the full session loop for 60 s against real server
// processes: OTP sign-in, config, CONNECTED, cumulative stats every few seconds (with retried
// duplicates), token refresh, reconnects, DISCONNECTED. Passes only with 0 errors and every
// account's totals exactly the sum of what its app reported (0 lost, 0 double-counted).
// SQLite with one instance, then PostgreSQL with two instances and requests alternating.
// Each app binds its own loopback address (127.0.1.x), so every limit stays at its default.
// Knobs: SOAK_CLIENTS (200), SOAK_SECONDS (60), SOAK_DB (both | sqlite | postgres).
import { removeSqlite } from '../server/db/testing.ts';
import { randomInt, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../server/db/index.ts';
import { phoneNumber, signInWithOtp } from '../test/support/flows.ts';
import { client, type Client, type Reply } from '../test/support/http.ts';
import { createDatabase } from '../test/support/postgres.ts';
import { startServer, type ServerProcess } from '../test/support/server-process.ts';
import { percentile } from './measure.ts';

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const STORES = (process.env.SOAK_DB ?? 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([process.env.SOAK_DB as 'sqlite' | 'postgres'] as const);
/** The summary is also kept in reports/soak.md (a CI artifact, not committed). */
const REPORTS = fileURLToPath(new URL('../reports/', import.meta.url));
/** The servers' logs: deleted after a passing run, kept (and named) after a failing one. */
const LOGS = mkdtempSync(join(tmpdir(), 'barqnet-soak-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms: number) => ms / 2 + randomInt(ms);

interface Stats {
  requests: number;
  errors: string[];
  latencies: Map<string, number[]>;
}

function record(stats: Stats, what: string, ms: number): void {
  const list = stats.latencies.get(what) ?? [];
  if (list.push(ms) === 1) stats.latencies.set(what, list);
}

interface VpnRun {
  id: string;
  bytesIn: number;
  bytesOut: number;
  duration: number;
}

/** One app: its own address, its own account, its sessions and what it reported. */
async function app(index: number, instances: string[], deadline: number, stats: Stats): Promise<{ expectIn: number; expectOut: number }> {
  const own = client(instances[0]!, { localAddress: `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}` });
  const clients: Client[] = instances.map((url) => own.withBase(url));
  let turn = index;
  const next = () => clients[turn++ % clients.length]!;
  const call = async (what: string, c: Client, method: string, path: string, options: { token?: string; body?: unknown }, ok = 200): Promise<Reply> => {
    stats.requests++;
    const reply = await c
      .request(method, path, { ...options, timeoutMs: 15_000 })
      .catch((error: Error) => ({ status: 0, body: error.message, headers: {}, ms: 0 }) as Reply);
    if (reply.status !== ok) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    record(stats, what, reply.ms);
    return reply;
  };
  const runs: VpnRun[] = [];
  try {
    await sleep(randomInt(5_000)); // apps start over the first five seconds
    // the bypass only hands over the code the first instance sent; sign-in itself may go anywhere
    stats.requests += 2;
    const signInStarted = performance.now();
    let tokens = await signInWithOtp(clients[0]!, phoneNumber(index, '212'), `soak-device-${index}`, next());
    record(stats, 'sign-in (bypass + otp/login)', performance.now() - signInStarted);
    const token = () => tokens.accessToken;

    const connect = async (): Promise<VpnRun> => {
      await call('GET /v1/vpn/config', next(), 'GET', '/v1/vpn/config', { token: token() });
      const opened = await call('POST /v1/vpn/status', next(), 'POST', '/v1/vpn/status', {
        token: token(),
        body: { status: 'CONNECTED', platform: 'android', appVersion: '1.0.0' },
      });
      const run = { id: opened.body.sessionId as string, bytesIn: 0, bytesOut: 0, duration: 0 };
      runs.push(run);
      return run;
    };
    const report = (run: VpnRun) =>
      call('POST /v1/vpn/stats', next(), 'POST', '/v1/vpn/stats', {
        token: token(),
        body: { sessionId: run.id, bytesIn: run.bytesIn, bytesOut: run.bytesOut, duration: run.duration },
      });

    let run = await connect();
    let nextRefresh = Date.now() + jitter(20_000);
    let nextReconnect = Date.now() + jitter(30_000);
    while (Date.now() < deadline) {
      await sleep(jitter(3_000));
      run.bytesIn += randomInt(1, 5_000_000);
      run.bytesOut += randomInt(1, 1_000_000);
      run.duration += 3;
      await report(run);
      if (randomInt(10) === 0) await report(run); // a retry of the same cumulative report
      if (Date.now() > nextRefresh) {
        const r = await call('POST /v1/auth/refresh', next(), 'POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
        tokens = { ...tokens, accessToken: r.body.accessToken, refreshToken: r.body.refreshToken };
        nextRefresh = Date.now() + jitter(20_000);
      }
      if (Date.now() > nextReconnect) {
        await call('POST /v1/vpn/status', next(), 'POST', '/v1/vpn/status', { token: token(), body: { status: 'DISCONNECTED', sessionId: run.id } });
        await report(run); // the final report after disconnect is still accepted
        run = await connect();
        nextReconnect = Date.now() + jitter(30_000);
      }
    }
    await report(run);
    await call('POST /v1/vpn/status', next(), 'POST', '/v1/vpn/status', { token: token(), body: { status: 'DISCONNECTED', sessionId: run.id } });

    const expectIn = runs.reduce((n, r) => n + r.bytesIn, 0);
    const expectOut = runs.reduce((n, r) => n + r.bytesOut, 0);
    for (const c of clients) {
      const usage = (await call('GET /v1/vpn/stats', c, 'GET', '/v1/vpn/stats', { token: token() })).body.usage;
      if (usage.totalBytesIn !== expectIn || usage.totalBytesOut !== expectOut) {
        stats.errors.push(`app ${index}: totals ${usage.totalBytesIn}/${usage.totalBytesOut} on ${c.base}, reported ${expectIn}/${expectOut}`);
      }
    }
    return { expectIn, expectOut };
  } catch (error) {
    stats.errors.push(`app ${index}: ${(error as Error).message}`);
    return { expectIn: Number.NaN, expectOut: Number.NaN };
  } finally {
    own.close();
  }
}

async function soak(store: 'sqlite' | 'postgres'): Promise<boolean> {
  const file = join(tmpdir(), `barqnet-soak-${randomUUID()}.db`);
  const pg = store === 'postgres' ? await createDatabase('barqnet_soak') : undefined;
  const databaseUrl = pg ? pg.url : `sqlite:${file}`;
  const servers: ServerProcess[] = [];
  try {
    const count = store === 'postgres' ? 2 : 1;
    for (let i = 0; i < count; i++) servers.push(await startServer({ databaseUrl, logFile: join(LOGS, `${store}-${i}.log`) }));
    process.stderr.write(`[soak] ${store}: ${CLIENTS} apps for ${SECONDS} s on ${servers.length} instance(s)\n`);
    const stats: Stats = { requests: 0, errors: [], latencies: new Map() };
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        app(
          i,
          servers.map((s) => s.url),
          deadline,
          stats,
        ),
      ),
    );
    const took = (Date.now() - started) / 1000;

    // the database agrees with the apps as a whole
    const db = await openDb(databaseUrl, { migrate: false });
    const stored = await db.one<{ bytes_in: number; bytes_out: number; n: number }>(
      'SELECT SUM(bytes_in) AS bytes_in, SUM(bytes_out) AS bytes_out, COUNT(*) AS n FROM vpn_sessions',
    );
    await db.close();
    const expectIn = results.reduce((n, r) => n + r.expectIn, 0);
    const expectOut = results.reduce((n, r) => n + r.expectOut, 0);
    if (stored?.bytes_in !== expectIn || stored?.bytes_out !== expectOut) {
      stats.errors.push(`database totals ${stored?.bytes_in}/${stored?.bytes_out}, apps reported ${expectIn}/${expectOut}`);
    }

    const lines = [
      `## soak: ${store}, ${servers.length} instance(s), ${CLIENTS} apps, ${took.toFixed(0)} s`,
      '',
      '| request | count | p50 ms | p99 ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: |',
    ];
    for (const [what, ms] of [...stats.latencies].sort()) {
      const sorted = Float64Array.from(ms).sort();
      lines.push(
        `| ${what} | ${ms.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${sorted[sorted.length - 1]!.toFixed(1)} |`,
      );
    }
    lines.push(
      '',
      `requests: ${stats.requests} (${(stats.requests / took).toFixed(0)}/s); VPN sessions: ${stored?.n}; bytes reported: ${expectIn} in / ${expectOut} out; stored: ${stored?.bytes_in} / ${stored?.bytes_out}`,
      `errors: ${stats.errors.length}`,
      ...stats.errors.slice(0, 20).map((e) => `  - ${e}`),
      '',
    );
    process.stdout.write(lines.join('\n') + '\n');
    mkdirSync(REPORTS, { recursive: true });
    appendFileSync(join(REPORTS, 'soak.md'), lines.join('\n') + '\n');
    return stats.errors.length === 0;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await pg?.drop();
    removeSqlite(file);
  }
}

mkdirSync(REPORTS, { recursive: true });
writeFileSync(join(REPORTS, 'soak.md'), `# make soak, ${new Date().toISOString()}\n\n`);
let ok = true;
for (const store of STORES) ok = (await soak(store)) && ok;
if (ok) rmSync(LOGS, { recursive: true, force: true });
process.stdout.write(ok ? 'soak: passed\n' : `soak: FAILED (server logs in ${LOGS})\n`);
process.exit(ok ? 0 : 1);
