// A paced probe: one request every `intervalMs` whether or not the previous one answered
// (open model), each timed from when it was due. A stalled event loop therefore shows up in
// the percentiles instead of silently slowing the probe down (coordinated omission).
import { client } from '../test/support/http.ts';
import { percentile } from './measure.ts';

export interface ProbeResult {
  path: string;
  sent: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

export async function probe(base: string, path: string, options: { token?: string; intervalMs: number; durationMs: number }): Promise<ProbeResult> {
  const c = client(base, { maxSockets: 16 });
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; ; i++) {
    const due = started + i * options.intervalMs;
    if (due - started >= options.durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      c.request('GET', path, { ...(options.token ? { token: options.token } : {}), timeoutMs: 10_000 }).then(
        (r) => {
          if (r.status !== 200) failed++;
          latencies.push(performance.now() - due);
        },
        () => {
          failed++;
          latencies.push(performance.now() - due);
        },
      ),
    );
  }
  await Promise.all(pending);
  c.close();
  const sorted = Float64Array.from(latencies).sort();
  return { path, sent: latencies.length, failed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}
