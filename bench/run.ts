// `make bench`: the baselines, the API's hot paths on SQLite (and PostgreSQL when reachable),
// a login flood with probes alongside, start-up time and idle memory, all in ONE run on this
// machine; prints the report and writes docs/benchmarks.md. Loopback only, every phase bounded.
// Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_PG (1 = also PostgreSQL when
// reachable), BENCH_QUIET_WAIT (120: seconds to wait for other work on the machine to calm down).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../server/db/testing.ts';
import { createDatabase, queryOnce } from '../test/support/postgres.ts';
import { machineInfo, waitForQuiet } from './machine.ts';
import { failures } from './measure.ts';
import { render, type Report } from './report.ts';
import { apiSuite, baseline, loginFlood, startup, type BenchContext } from './scenarios.ts';

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
    baselines: [await baseline(ctx, 'raw'), await baseline(ctx, 'express')],
    sqlite: [],
    postgres: undefined,
    floods: [],
    startup: undefined,
    afterLoadRssMiB: undefined,
  };

  const sqlite = await apiSuite(ctx, 'sqlite', `sqlite:${join(ctx.work, 'bench.db')}`);
  report.sqlite = sqlite.rows;
  report.afterLoadRssMiB = (sqlite.server.rssKiB() ?? Number.NaN) / 1024;
  await sqlite.server.stop();

  const cores = availableParallelism();
  report.floods.push(await loginFlood(ctx, 'default', {}, Math.max(1, cores - 1), true));
  report.floods.push(await loginFlood(ctx, 'one hash per core', { HASH_CONCURRENCY: String(cores) }, cores, false));

  if ((process.env.BENCH_PG ?? '1') !== '0' && (await pgReachable())) {
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

  log('start-up and idle memory');
  report.startup = await startup(ctx);
  report.loadAtEnd = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  const markdown = render(report, Math.round((Date.now() - started) / 1000));
  writeFileSync(OUT, markdown);
  process.stdout.write(markdown);
  log(`wrote ${OUT.pathname}`);
  // A run with failed requests measured something else: say so and fail.
  for (const m of [...report.baselines, ...report.sqlite, ...(report.postgres ?? [])].filter((x) => failures(x) > 0)) {
    log(`FAILED REQUESTS in ${m.name}: ${failures(m)} ${JSON.stringify(m.statuses)}`);
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(ctx.work, { recursive: true, force: true }));
