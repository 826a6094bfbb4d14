// Renders one bench run as docs/benchmarks.md: machine, method, the table with ratios to the
// in-run Express baseline and the targets, the flood, start-up and memory, then the notes.
import { readFileSync } from 'node:fs';
import type { Measured } from './measure.ts';
import { OVERHEAD_TARGET, summarise, type OverheadPair, type OverheadRun } from './overhead.ts';
import type { ProbeResult } from './probe.ts';
import type { FloodRun, Startup } from './scenarios.ts';

export interface Report {
  machine: Record<string, string>;
  seconds: number;
  connections: number;
  baselines: Measured[];
  sqlite: Measured[];
  /** Metrics and request-scoped logging on vs off, same requests, same run (bench/overhead.ts). */
  overhead: OverheadRun | undefined;
  postgres: Measured[] | undefined;
  floods: FloodRun[];
  startup: Startup | undefined;
  /** 1-minute load average when the run ended. */
  loadAtEnd?: string;
  afterLoadRssMiB: number | undefined;
}

/**
 * Targets per request and store: `cpu` is the most server CPU per request, as a multiple of the
 * same run's Express hello; `rps` the fewest requests per second.
 */
type Target = { cpu: number } | { rps: number };
const TARGETS: Record<string, Record<string, Target>> = {
  SQLite: {
    'GET /v1/vpn/locations': { cpu: 3 },
    'GET /v1/user/profile': { cpu: 3 },
    'POST /v1/vpn/stats': { cpu: 4 },
    'POST /v1/auth/refresh': { rps: 4000 },
  },
  PostgreSQL: {
    'GET /v1/vpn/locations': { cpu: 6 },
    'GET /v1/user/profile': { cpu: 6 },
    'POST /v1/vpn/stats': { cpu: 6 },
    'POST /v1/auth/refresh': { rps: 3000 },
  },
};
const HEALTH_P99_TARGET_MS = 25;
/** Tracing off "costs nothing measurable": its per-request work under 1% of the request's CPU. */
const TRACE_OFF_TARGET = 0.01;

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '-');
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const codes = (m: Measured) =>
  Object.entries(m.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ') + (m.errors + m.timeouts ? ` errors×${m.errors + m.timeouts}` : '');

function row(m: Measured, express: Measured | undefined, store: string): string {
  const ratio = m.rps / (express?.rps ?? Number.NaN);
  const cpuRatio = m.cpuUsPerRequest / (express?.cpuUsPerRequest ?? Number.NaN);
  const target = TARGETS[store]?.[m.name];
  const [wanted, met] =
    target === undefined
      ? ['', '']
      : 'cpu' in target
        ? [`CPU <= ${target.cpu} x`, cpuRatio <= target.cpu]
        : [`>= ${int(target.rps)} req/s`, m.rps >= target.rps];
  const cpu = Number.isFinite(m.cpuUsPerRequest) ? int(m.cpuUsPerRequest) : '-';
  return `| ${m.name} | ${store} | ${int(m.rps)} | ${ms(m.p50)} | ${ms(m.p99)} | ${ratio.toFixed(2)} | ${cpu} | ${Number.isFinite(cpuRatio) ? cpuRatio.toFixed(1) : '-'} | ${wanted} | ${met === '' ? '' : met ? 'yes' : '**no**'} | ${codes(m)} |`;
}

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

function overheadSection(o: OverheadRun): string[] {
  const rounds = o.pairs[0]?.rounds.length ?? 0;
  const locations = o.pairs.find((p) => p.name === 'GET /v1/vpn/locations') ?? o.pairs[0];
  const requestUs = (locations && summarise(locations)?.offUs) ?? Number.NaN;
  const traceShare = o.traceHookNs / 1000 / requestUs;
  const line = (name: string, variant: 'on' | 'metricsOnly' | 'offAgain', judged: boolean) => (p: OverheadPair) => {
    const s = summarise(p, variant);
    if (!s) return [];
    const each = s.each.map(([a, b]) => `${int(a)} / ${int(b)}`).join(', ');
    const met = s.overhead <= OVERHEAD_TARGET ? 'yes' : '**no**';
    return [
      `| ${p.name} | ${name} | ${int(s.onUs)} | ${int(s.offUs)} | ${pct(s.overhead)} | ${pct(s.min)} .. ${pct(s.max)} | ${each} | ${judged ? `<= ${OVERHEAD_TARGET * 100}%` : ''} | ${judged ? met : ''} |`,
    ];
  };
  return [
    '## Observability overhead',
    '',
    'The same requests on SQLite servers started side by side, with the settings above otherwise:',
    '**ON** has metrics and request-scoped logging as in production (`METRICS_PORT` set, so every request is',
    'counted and timed into the histogram; one JSON line per request; each request run in its log scope),',
    '**OFF** has both switched off (`METRICS_PORT` unset: nothing counted, no process collectors;',
    '`LOG_REQUESTS=0`: no request line, no scope). For the GET a third server has the metrics alone',
    "(`METRICS_PORT` set, `LOG_REQUESTS=0`), to tell the two costs apart, and a fourth, OFF', is set up exactly",
    'like OFF: its difference from OFF is the noise of the method in this run. Tracing is off on all (no `OTEL_*`).',
    `Each request runs ${rounds} rounds of ${o.secondsPerRound} s per server (a 2 s warm-up on each server first, then 1 s before every`,
    'measurement), ON and OFF always back to back, the order reversed every round; the µs are the medians of the rounds, the',
    "overhead the median of each round's X / OFF - 1 (X: the configuration of the line), its range in the next column.",
    '',
    '| Request | X | X server CPU µs/req | OFF server CPU µs/req | overhead | range over the rounds | rounds X / OFF µs | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- |',
    ...o.pairs.flatMap(line('ON: metrics + request logging', 'on', true)),
    ...o.pairs.flatMap(line('metrics only', 'metricsOnly', false)),
    ...o.pairs.flatMap(line("OFF' (a second OFF server: the noise)", 'offAgain', false)),
    '',
    `Checks: the ON server's \`/metrics\` ${o.metricsCounted ? 'counted every measured request' : '**did not count the measured requests**'}; request lines in the logs: ON ${int(o.requestLines.on)}, the others ${int(o.requestLines.off)}.`,
    '',
    '| Tracing off (no `OTEL_*`: SDK not started) | per request | share of the OFF locations request | target | met |',
    '| --- | ---: | ---: | --- | --- |',
    `| span middleware, database and SMS wrappers | not installed (app.ts: only with a tracer) | 0 | | |`,
    `| \`trace.getActiveSpan()\` for the log scope's traceId, on the API's no-op context (timed in the bench process) | ${o.traceHookNs.toFixed(0)} ns | ${(traceShare * 100).toFixed(3)}% | < ${TRACE_OFF_TARGET * 100}% | ${traceShare < TRACE_OFF_TARGET ? 'yes' : '**no**'} |`,
    '',
  ];
}

export function render(r: Report, tookSeconds: number): string {
  const express = r.baselines.find((b) => b.name.startsWith('Express'));
  const lines: string[] = [];
  const add = (...xs: string[]) => lines.push(...xs);
  add(
    '# Benchmarks',
    '',
    '<!-- Generated by `make bench` (bench/run.ts); the notes come from bench/NOTES.md. Do not edit by hand. -->',
    '',
    `Reproduce with \`make bench\` (about ${Math.ceil(tookSeconds / 60)} minutes; this run took ${tookSeconds} s). Everything runs on loopback on`,
    'this one machine: autocannon and the server share the cores below, so the figures are for',
    'comparison within a run (hence the ratios to bare Express measured in the same run), not capacity planning.',
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    ...Object.entries(r.machine).map(([k, v]) => `| ${k} | ${v} |`),
    ...(r.loadAtEnd ? [`| Load average at end | ${r.loadAtEnd} |`] : []),
    '',
    '## Method',
    '',
    `- Each line: ${r.seconds} s of autocannon at ${r.connections} keep-alive connections, no pipelining, after a 2 s warm-up that is`,
    '  not counted. Every server is its own process (`node server/main.ts`, or bench/baselines.ts for the',
    "  baselines), started by the run on a free loopback port. p50/p99 come from every response's own timing.",
    '- API server: NODE_ENV=test with TEST_MODE=1 (only to mint sessions through the bypass before measuring),',
    '  VALIDATE_RESPONSES=0 (the production default), LOG_LEVEL=info (one JSON log line per request, to a file),',
    '  METRICS_PORT=0 (metrics counted as in production, on a listener of a free port, not scraped while measured).',
    '  USER_RATE_LIMIT_PER_MINUTE and IP_RATE_LIMIT_PER_MINUTE are raised so nothing is refused, but both limits',
    '  still run: every measured request does the per-IP and (authenticated) per-user counter upsert.',
    `- Authenticated requests rotate over ${r.connections} users (real OTP sign-ins), each with its own access token`,
    '  (signature check + live-session lookup per request).',
    '- `POST /v1/vpn/stats` sends cumulative counters that grow on every request, so each one really updates',
    '  the row; SQLite runs `synchronous=FULL` in WAL mode, so an acknowledged write is on disk.',
    `- \`POST /v1/auth/refresh\`: ${r.connections * 4} sessions are minted first; every request presents a refresh token`,
    '  never used before (the successor a previous rotation returned) and gets a real rotation in a transaction.',
    '',
    '## Throughput and latency',
    '',
    '"server CPU µs/req" is the server process\'s CPU time (all threads, from /proc) over the responses: it',
    'does not depend on how busy the machine was, so it is the figure to compare between runs.',
    '',
    '"CPU x Express" divides it by the Express hello\'s in the same run: the unit of the CPU targets.',
    '',
    '| Request | Store | req/s | p50 ms | p99 ms | req/s ratio to Express | server CPU µs/req | CPU x Express | target | met | statuses |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...r.baselines.map((m) => row(m, express, '-')),
    ...r.sqlite.map((m) => row(m, express, 'SQLite')),
    ...(r.postgres ?? []).map((m) => row(m, express, 'PostgreSQL')),
    '',
  );
  if (!r.postgres && r.sqlite.length > 0) add('PostgreSQL was not reachable (or BENCH_PG=0): its lines are missing from this run.', '');
  if (r.overhead) add(...overheadSection(r.overhead));
  if (r.floods.length) {
    const probeRow = (f: FloodRun, p: ProbeResult, phase: string) => {
      const judged = f.label === 'default' && phase === 'during flood' && p.path === '/health';
      const met = judged ? (p.p99 <= HEALTH_P99_TARGET_MS && p.failed === 0 ? 'yes' : '**no**') : '';
      return `| GET ${p.path} | ${phase} | ${f.hashConcurrency} | ${p.sent} | ${p.failed} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} | ${judged ? `p99 <= ${HEALTH_P99_TARGET_MS}` : ''} | ${met} |`;
    };
    add(
      '## Login flood',
      '',
      `Wrong-password sign-ins for ${r.seconds} s from 32 connections over 32 accounts (LOGIN_MAX_FAILURES and LOGIN_MAX_FAILURES_PER_ADDRESS raised so`,
      'every attempt really runs argon2id): the hash queue is full the whole time. Alongside, two paced probes',
      '(one request every 20 ms each, timed from when it was due, so a stall cannot hide) call `GET /health` and',
      'the authenticated `GET /v1/user/profile`. Each configuration runs on its own fresh server (SQLite).',
      '',
      '| Probe | phase | HASH_CONCURRENCY | requests | failed | p50 ms | p99 ms | max ms | target | met |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
      ...r.floods.flatMap((f) => [...f.quiet.map((p) => probeRow(f, p, 'quiet')), ...f.during.map((p) => probeRow(f, p, 'during flood'))]),
      '',
      '| Flood | HASH_CONCURRENCY | sign-ins/s | p50 ms | p99 ms | server CPU µs/sign-in | statuses |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...r.floods.map(
        (f) =>
          `| ${f.label} | ${f.hashConcurrency} | ${f.flood.rps.toFixed(1)} | ${ms(f.flood.p50)} | ${ms(f.flood.p99)} | ${int(f.flood.cpuUsPerRequest)} | ${codes(f.flood)} |`,
      ),
      '',
    );
  }
  if (r.startup) {
    add(
      '## Start-up and memory',
      '',
      '| | median of 3 |',
      '| --- | ---: |',
      `| API: spawn to \`/ready\` 200, new SQLite file (migrations run) | ${int(r.startup.coldMs)} ms |`,
      `| API: spawn to \`/ready\` 200, existing SQLite file | ${int(r.startup.warmMs)} ms |`,
      `| API: idle RSS, 2 s after ready | ${r.startup.idleRssMiB.toFixed(1)} MiB |`,
      `| Express 5 hello (same node, also a .ts file): spawn to first 200 | ${int(r.startup.helloMs)} ms |`,
      `| Express 5 hello: idle RSS | ${r.startup.helloRssMiB.toFixed(1)} MiB |`,
      ...(r.afterLoadRssMiB !== undefined ? [`| RSS of the SQLite bench server after all its phases (one run) | ${r.afterLoadRssMiB.toFixed(1)} MiB |`] : []),
      '',
    );
  }
  add(readFileSync(new URL('./NOTES.md', import.meta.url), 'utf8').trimEnd(), '');
  return lines.join('\n');
}
