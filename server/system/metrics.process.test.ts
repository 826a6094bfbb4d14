// The real server process: no metrics listener unless METRICS_PORT is set, then one on loopback
// that answers GET /metrics, apart from the API port (which knows no /metrics).
import { describe, expect, it } from 'vitest';
import { startServer } from '../../test/support/server-process.ts';

describe('metrics listener (server process)', () => {
  const lineOf = (logs: string[], msg: string) => logs.map((l) => JSON.parse(l) as { msg: string; url?: string }).find((l) => l.msg === msg);

  it('metrics_unset_noListenerAndNoPathOnTheApiPort', async () => {
    const server = await startServer();
    try {
      expect(lineOf(server.logs(), 'metrics.listening')).toBeUndefined();
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('metrics_portSet_servedOnLoopbackWithTheRequestsCounted', async () => {
    const server = await startServer({ env: { METRICS_PORT: '0' } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the line after `listening`
      const url = lineOf(server.logs(), 'metrics.listening')?.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      await fetch(`${server.url}/health`).then((r) => r.arrayBuffer());
      const text = await (await fetch(url!)).text();
      expect(text).toMatch(/^barqnet_http_requests_total\{operation="getHealth",method="GET",status="200"\} 1$/m);
      expect(text).toContain('barqnet_nodejs_eventloop_lag_seconds');
    } finally {
      await server.stop();
    }
  });
});
