// One autocannon run with a discarded warm-up. Latency percentiles come from every response's
// own hrtime duration (autocannon's histogram rounds to whole milliseconds), so sub-millisecond
// p50s are real numbers.
import { readFileSync } from 'node:fs';
import autocannon, { type Options } from 'autocannon';

export interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  responses: number;
  /** status -> count */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU time of the server process (all its threads) per response, in µs; NaN when unknown. */
  cpuUsPerRequest: number;
}

/** utime + stime of a process in seconds (Linux /proc; clock ticks are 100 Hz there). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function once(options: Options, record?: (status: number, ms: number) => void) {
  const instance = autocannon(options);
  if (record) instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => record(status, ms));
  return instance;
}

export async function measure(name: string, options: Options & { warmupSeconds?: number; pid?: number }): Promise<Measured> {
  const { warmupSeconds = 2, pid, ...rest } = options;
  if (warmupSeconds > 0) await once({ ...rest, duration: warmupSeconds });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cpuBefore = cpuSeconds(pid);
  const result = await once(rest, (status, ms) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const cpuUsPerRequest = ((cpuSeconds(pid) - cpuBefore) / latencies.length) * 1e6;
  const sorted = Float64Array.from(latencies).sort();
  return {
    name,
    rps: latencies.length / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    responses: latencies.length,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuUsPerRequest,
  };
}

/** Responses whose status is not `ok`, plus socket errors and timeouts. */
export function failures(m: Measured, ok: (status: number) => boolean = (s) => s >= 200 && s < 300): number {
  return Object.entries(m.statuses).reduce((n, [status, count]) => (ok(Number(status)) ? n : n + count), 0) + m.errors + m.timeouts;
}
