// The in-run baselines: `node bench/baselines.ts raw|express` serves a JSON hello on a free
// loopback port and prints {"msg":"listening","url":...} like the API, so the bench drives all
// three the same way. Same process model, same node, same JSON body size class.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

const kind = process.argv[2];
const BODY = JSON.stringify({ success: true, message: 'hello' });

function handler() {
  if (kind === 'raw') {
    return createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    });
  }
  if (kind === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.get('/', (_req, res) => void res.json({ success: true, message: 'hello' }));
    return createServer(app);
  }
  process.stderr.write('usage: node bench/baselines.ts raw|express\n');
  process.exit(2);
}

const server = handler();
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
