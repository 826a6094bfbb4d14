// GET /metrics on a listener of its own (METRICS_PORT, loopback by default), outside the API's
// port, middleware and contract: a scrape never meets the rate limits, and the API cannot
// expose it by accident (docs/operations.md).
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export function metricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => void res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
      () => void res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
}
