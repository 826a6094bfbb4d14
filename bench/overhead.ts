// The observability overhead line of `make bench` (issue #15): the same requests on servers
// started side by side on SQLite, one with metrics and request-scoped logging on as in production
// (METRICS_PORT set, LOG_REQUESTS default), one with both off (METRICS_PORT unset,
// LOG_REQUESTS=0) and, for the GET, one with metrics only, to tell the two apart, and a second OFF
// one, whose difference from the first is the noise of the method in this run. They are
// measured in rounds whose order reverses every round (ON and OFF always side by side) so drift
// of the machine falls on all. Tracing is off on all (no OTEL_*): what tracing off leaves on the request path is
// timed on its own (traceHookNs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { client } from '../test/support/http.ts';
import { startServer, type ServerProcess } from '../test/support/server-process.ts';
import { makeUsers, type BenchUser } from './fixtures.ts';
import { measure, type Measured } from './measure.ts';
import { API_ENV, authedGet, statsPosts, type BenchContext } from './scenarios.ts';

export const OVERHEAD_TARGET = 0.1;

export type Variant = 'on' | 'metricsOnly' | 'off' | 'offAgain';

export interface OverheadPair {
  name: string;
  /** One measurement per variant and round, taken back to back. */
  rounds: Partial<Record<Variant, Measured>>[];
}

export interface OverheadRun {
  pairs: OverheadPair[];
  secondsPerRound: number;
  /** The ON server's /metrics counted every request the rounds sent (checked by a scrape at the end). */
  metricsCounted: boolean;
  /** Request lines in the logs: the ON server writes one per request, the others (LOG_REQUESTS=0) none. */
  requestLines: { on: number; off: number };
  /** ns per call of the one tracing call left on the request path with tracing off, no SDK started. */
  traceHookNs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Medians of the rounds, and the median of each round's `variant` / OFF - 1 (they ran back to back);
 * undefined when the pair has no such variant.
 */
export function summarise(pair: OverheadPair, variant: Exclude<Variant, 'off'> = 'on') {
  const rounds = pair.rounds.filter((r) => r[variant] && r.off);
  if (rounds.length === 0) return undefined;
  const us = (v: Variant) => rounds.map((r) => r[v]!.cpuUsPerRequest);
  const ratios = rounds.map((r) => r[variant]!.cpuUsPerRequest / r.off!.cpuUsPerRequest - 1);
  return {
    onUs: median(us(variant)),
    offUs: median(us('off')),
    overhead: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    each: rounds.map((r) => [r[variant]!.cpuUsPerRequest, r.off!.cpuUsPerRequest] as const),
  };
}

/**
 * `trace.getActiveSpan()?.spanContext().traceId`, what requestContext reads for the log scope,
 * against the OpenTelemetry API's no-op context (no SDK registered, as in a server without
 * OTEL_*). The only tracing code a request runs when tracing is off: app.ts installs the span
 * middleware and the database and SMS wrappers only when there is a tracer.
 */
export function traceHookNs(calls = 2_000_000): number {
  let seen = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) if (trace.getActiveSpan()?.spanContext().traceId) seen++;
  };
  run(calls / 10); // warm-up
  const started = process.hrtime.bigint();
  run(calls);
  const ns = Number(process.hrtime.bigint() - started) / calls;
  if (seen !== 0) throw new Error('a span was active: an OpenTelemetry SDK is registered in the bench process');
  return ns;
}

async function apiServer(ctx: BenchContext, label: Variant, env: Record<string, string>): Promise<{ server: ServerProcess; users: BenchUser[]; log: string }> {
  const log = join(ctx.work, `overhead-${label}.log`);
  const server = await startServer({ databaseUrl: `sqlite:${join(ctx.work, `overhead-${label}.db`)}`, env, logFile: log });
  const c = client(server.url);
  const users = await makeUsers(c, ctx.connections);
  c.close();
  return { server, users, log };
}

const requestLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"msg":"request"')).length;

export async function overhead(ctx: BenchContext, rounds = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 4)): Promise<OverheadRun> {
  const { METRICS_PORT: _metrics, ...withoutMetrics } = API_ENV;
  ctx.log(`overhead: starting the ON, metrics-only and two OFF servers, ${ctx.connections} users each`);
  const servers = {
    on: await apiServer(ctx, 'on', { ...API_ENV, METRICS_PORT: '0' }),
    metricsOnly: await apiServer(ctx, 'metricsOnly', { ...API_ENV, METRICS_PORT: '0', LOG_REQUESTS: '0' }),
    off: await apiServer(ctx, 'off', { ...withoutMetrics, LOG_REQUESTS: '0' }),
    // the same as OFF: how far two identical servers differ in this run is the noise of the method
    offAgain: await apiServer(ctx, 'offAgain', { ...withoutMetrics, LOG_REQUESTS: '0' }),
  };
  const on = servers.on;
  let result: Omit<OverheadRun, 'traceHookNs'>;
  try {
    const secondsPerRound = Math.max(2, Math.round(ctx.seconds * 0.3));
    const kinds: { name: string; variants: Variant[]; requests: (users: BenchUser[]) => ReturnType<typeof statsPosts> }[] = [
      { name: 'GET /v1/vpn/locations', variants: ['metricsOnly', 'on', 'off', 'offAgain'], requests: (users) => authedGet(users, '/v1/vpn/locations') },
      { name: 'POST /v1/vpn/stats', variants: ['on', 'off'], requests: (users) => statsPosts(users) },
    ];
    const pairs: OverheadPair[] = [];
    let sent = 0;
    for (const kind of kinds) {
      const requests = Object.fromEntries(kind.variants.map((v) => [v, kind.requests(servers[v].users)]));
      const run = (v: Variant, warmupSeconds: number) =>
        measure(kind.name, {
          url: servers[v].server.url,
          pid: servers[v].server.pid,
          connections: ctx.connections,
          duration: secondsPerRound,
          warmupSeconds,
          requests: requests[v]!,
        });
      // a longer first warm-up on each server (JIT, caches), then 1 s before every round
      for (const v of kind.variants) await run(v, 2);
      const pair: OverheadPair = { name: kind.name, rounds: [] };
      for (let i = 0; i < rounds; i++) {
        ctx.log(`overhead: ${kind.name} round ${i + 1}/${rounds}`);
        const round: OverheadPair['rounds'][number] = {};
        for (const v of i % 2 === 0 ? kind.variants : [...kind.variants].reverse()) round[v] = await run(v, 1);
        pair.rounds.push(round);
      }
      sent += pair.rounds.reduce((n, r) => n + (r.on?.responses ?? 0), 0);
      pairs.push(pair);
    }
    // The ON server really counted: its request counters hold at least every response measured.
    const listening = readFileSync(on.log, 'utf8')
      .split('\n')
      .find((l) => l.includes('"msg":"metrics.listening"'));
    const scrapeUrl = listening ? (JSON.parse(listening) as { url: string }).url : undefined;
    const text = scrapeUrl ? await (await fetch(scrapeUrl)).text() : '';
    const counted = [...text.matchAll(/^barqnet_http_requests_total\{[^}]*status="200"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last batched log lines
    result = {
      pairs,
      secondsPerRound,
      metricsCounted: counted >= sent,
      requestLines: {
        on: requestLines(on.log),
        off: requestLines(servers.off.log) + requestLines(servers.offAgain.log) + requestLines(servers.metricsOnly.log),
      },
    };
  } finally {
    for (const side of Object.values(servers)) await side.server.stop();
  }
  // with both servers stopped, so the timing has a core to itself
  return { ...result, traceHookNs: traceHookNs() };
}
