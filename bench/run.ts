// `make bench`: the baselines, the API's hot paths on SQLite (and PostgreSQL when reachable),
// a login flood with probes alongside, start-up time and idle memory, all in ONE run on this
// machine; prints the report and writes docs/benchmarks.md. Loopback only, every phase bounded.
// Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_PG (1 = also PostgreSQL when
// reachable), BENCH_QUIET_WAIT (120: seconds to wait for other work on the machine to calm down),
// BENCH_OVERHEAD_ROUNDS (3), BENCH_ONLY (a comma-separated subset of the phases below: the report
// is printed but docs/benchmarks.md is left as it is, since a partial run is not a run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../server/db/testing.ts';
import { createDatabase, queryOnce } from '../test/support/postgres.ts';
import { machineInfo, waitForQuiet } from './machine.ts';
import { failures } from './measure.ts';
import { overhead } from './overhead.ts';
import { render, type Report } from './report.ts';
import { apiSuite, baseline, loginFlood, startup, type BenchContext } from './scenarios.ts';

const PHASES = ['baselines', 'sqlite', 'overhead', 'flood', 'postgres', 'startup'] as const;
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
for (const p of only) {
  if (!(PHASES as readonly string[]).includes(p)) {
    process.stderr.write(`BENCH_ONLY: unknown phase "${p}"; the phases are ${PHASES.join(', ')}\n`);
    process.exit(2);
  }
}
const want = (phase: (typeof PHASES)[number]) => only.length === 0 || only.includes(phase);

const OUT = new URL('../docs/benchmarks.md', import.meta.url);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const ctx: BenchContext = {
  work: mkdtempSync(join(tmpdir(), 'barqnet-bench-')),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  log,
};

const pgReachable = () =>
  queryOnce(TEST_DATABASE_URL, 'SELECT 1').then(
    () => true,
    () => false,
  );

async function main(): Promise<void> {
  const busy = await waitForQuiet(log);
  const started = Date.now();
  const report: Report = {
    machine: { ...machineInfo(), 'CPU busy (other work) just before the run': `${(busy * 100).toFixed(0)}%` },
    seconds: ctx.seconds,
    connections: ctx.connections,
    baselines: want('baselines') ? [await baseline(ctx, 'raw'), await baseline(ctx, 'express')] : [],
    sqlite: [],
    overhead: undefined,
    postgres: undefined,
    floods: [],
    startup: undefined,
    afterLoadRssMiB: undefined,
  };

  if (want('sqlite')) {
    const sqlite = await apiSuite(ctx, 'sqlite', `sqlite:${join(ctx.work, 'bench.db')}`);
    report.sqlite = sqlite.rows;
    report.afterLoadRssMiB = (sqlite.server.rssKiB() ?? Number.NaN) / 1024;
    await sqlite.server.stop();
  }

  if (want('overhead')) report.overhead = await overhead(ctx);

  if (want('flood')) {
    const cores = availableParallelism();
    report.floods.push(await loginFlood(ctx, 'default', {}, Math.max(1, cores - 1), true));
    report.floods.push(await loginFlood(ctx, 'one hash per core', { HASH_CONCURRENCY: String(cores) }, cores, false));
  }

  if (!want('postgres')) {
    log('PostgreSQL pass not selected (BENCH_ONLY)');
  } else if ((process.env.BENCH_PG ?? '1') !== '0' && (await pgReachable())) {
    const db = await createDatabase('barqnet_bench');
    try {
      const pg = await apiSuite(ctx, 'postgres', db.url);
      report.postgres = pg.rows;
      await pg.server.stop();
    } finally {
      await db.drop();
    }
  } else {
    log('PostgreSQL pass skipped');
  }

  if (want('startup')) {
    log('start-up and idle memory');
    report.startup = await startup(ctx);
  }
  report.loadAtEnd = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  const markdown = render(report, Math.round((Date.now() - started) / 1000));
  process.stdout.write(markdown);
  if (only.length === 0) {
    writeFileSync(OUT, markdown);
    log(`wrote ${OUT.pathname}`);
  } else log(`BENCH_ONLY=${only.join(',')}: docs/benchmarks.md left as it was`);
  // A run with failed requests measured something else: say so and fail.
  const overheadRounds = (report.overhead?.pairs ?? []).flatMap((p) => p.rounds.flatMap((r) => Object.values(r)));
  for (const m of [...report.baselines, ...report.sqlite, ...(report.postgres ?? []), ...overheadRounds].filter((x) => failures(x) > 0)) {
    log(`FAILED REQUESTS in ${m.name}: ${failures(m)} ${JSON.stringify(m.statuses)}`);
    process.exitCode = 1;
  }
  // The overhead pair measured what it says only if ON counted and logged every request and OFF logged none.
  const o = report.overhead;
  if (o && (!o.metricsCounted || o.requestLines.off > 0 || o.requestLines.on === 0)) {
    log(`OVERHEAD SERVERS NOT AS INTENDED: metrics counted ${o.metricsCounted}, request lines ON ${o.requestLines.on}, OFF ${o.requestLines.off}`);
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(ctx.work, { recursive: true, force: true }));
