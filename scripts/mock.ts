// `make mock`: Prism on an internal port behind the front of scripts/mock-front.ts, which
// refuses bad requests exactly as the server does. Stopping this process stops Prism too.
//   MOCK_HOST / MOCK_PORT  where to listen (default 127.0.0.1:4010; 0 picks a free port)
//   MOCK_DYNAMIC=1         generate answers from the schemas instead of the examples
//   MOCK_SEED              seed for MOCK_DYNAMIC, for repeatable answers
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config.ts';
import { loadSpec } from '../server/http/spec.ts';
import { createLogger } from '../server/lib/logger.ts';
import { createMockFront } from './mock-front.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const SPEC = root('generated/openapi.public.json');
const PRISM = root('node_modules/@stoplight/prism-cli/dist/index.js');

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger('info');
  const host = env['MOCK_HOST'] || '127.0.0.1';
  const port = Number(env['MOCK_PORT'] ?? 4010);
  // Prism picks its own free port (0) and names it in its start-up line: a port chosen here and
  // handed over could be taken by another process in between (on a busy machine it was, and the
  // readiness probe then reached that process while Prism exited with EADDRINUSE).
  const args = [PRISM, 'mock', SPEC, '--host', '127.0.0.1', '--port', '0'];
  if (env['MOCK_DYNAMIC'] === '1') args.push('--dynamic', ...(env['MOCK_SEED'] ? ['--seed', env['MOCK_SEED']] : []));
  const prism = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let listening!: (url: string) => void;
  const started = new Promise<string>((resolve) => (listening = resolve));
  // Prism's request log stays visible; its start-up lines name the internal port, so they go.
  createInterface({ input: prism.stdout }).on('line', (line) => {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    if (url) listening(url);
    if (line && !line.includes('[CLI]')) process.stdout.write(line + '\n');
  });
  // a failure after this point (the front's port taken, say) must not leave Prism behind
  process.once('exit', () => prism.kill('SIGTERM'));
  prism.once('exit', (code) => {
    logger.error('mock.prism_exited', { code });
    process.exit(1);
  });
  // Prism is stopped by the exit hook above, whichever way this process ends
  const stop = (code: number) => {
    prism.removeAllListeners('exit');
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));

  const timeout = setTimeout(() => {
    process.stderr.write('mock: Prism did not start within 60 s\n');
    stop(1);
  }, 60_000);
  const prismUrl = await started;
  clearTimeout(timeout);
  const bodyLimit = loadConfig({ BODY_LIMIT: env['BODY_LIMIT'] }).bodyLimit;
  const app = createMockFront({ spec: loadSpec(new URL(`file://${SPEC}`)), prismUrl, bodyLimit, logger, specJson: readFileSync(SPEC) });
  const server = createHttpServer(app);
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const { port: bound } = server.address() as AddressInfo;
  logger.info('listening', { url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`, mock: true, dynamic: env['MOCK_DYNAMIC'] === '1' });
}

main().catch((error: unknown) => {
  process.stderr.write(`mock: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
