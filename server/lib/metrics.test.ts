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
