// Metrics off (METRICS_PORT unset) count nothing and collect nothing; on, the same calls count.
import { describe, expect, it } from 'vitest';
import { createMetrics, noMetrics } from './metrics.ts';

describe('metrics switch', () => {
  it('noMetrics_everyCallAccepted_nothingCountedNoCollectors', async () => {
    const off = noMetrics();
    off.request('getLocations', 'GET', 200, 0.001);
    off.otpSend('sent', '+14155552671');
    off.signIn('otp', 'success');
    off.db.batch('write', 3);
    off.rateLimited('ip:127.0.0.1');
    expect(off.enabled).toBe(false);
    expect((await off.registry.getMetricsAsJSON()).length).toBe(0);
  });

  it('createMetrics_sameCalls_counted', async () => {
    const on = createMetrics({ defaults: false });
    on.request('getLocations', 'GET', 200, 0.001);
    expect(on.enabled).toBe(true);
    expect(await on.registry.metrics()).toMatch(/^barqnet_http_requests_total\{operation="getLocations",method="GET",status="200"\} 1$/m);
  });
});

describe('request metrics', () => {
  it('request_countsAndLatencies_renderedAsPrometheusCounterAndHistogram', async () => {
    const on = createMetrics({ defaults: false });
    for (const seconds of [0.001, 0.002, 0.003, 0.04, 7]) on.request('getLocations', 'GET', 200, seconds);
    on.request('getLocations', 'GET', 304, 0.001);
    on.request(undefined, 'PUT', 405, 0.001);
    const text = await on.registry.metrics();
    const lines = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));
    expect(lines('barqnet_http_requests_total{')).toEqual([
      'barqnet_http_requests_total{operation="getLocations",method="GET",status="200"} 5',
      'barqnet_http_requests_total{operation="getLocations",method="GET",status="304"} 1',
      'barqnet_http_requests_total{operation="none",method="PUT",status="405"} 1',
    ]);
    // cumulative buckets, upper bounds inclusive, the 7 s answer only in +Inf
    const buckets = lines('barqnet_http_request_duration_seconds_bucket{le=').filter((l) => l.includes('"getLocations"'));
    expect(buckets.map((l) => l.replace(/^.*le="([^"]+)".* (\d+)$/, '$1 $2'))).toEqual([
      '0.002 3',
      '0.005 4',
      '0.01 4',
      '0.025 4',
      '0.05 5',
      '0.1 5',
      '0.25 5',
      '0.5 5',
      '1 5',
      '2.5 5',
      '5 5',
      '+Inf 6',
    ]);
    expect(text).toMatch(/^barqnet_http_request_duration_seconds_count\{operation="getLocations"\} 6$/m);
    expect(Number(/^barqnet_http_request_duration_seconds_sum\{operation="getLocations"\} (\S+)$/m.exec(text)?.[1])).toBeCloseTo(7.047, 9);
    expect(text).toMatch(/^# TYPE barqnet_http_request_duration_seconds histogram$/m);
    // a second scrape reads the same totals (nothing is counted twice)
    expect(await on.registry.metrics()).toBe(text);
  });
});
