// Spawns the real server (or the mock) for the integration and CLI suites, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
// BARQNET_SERVER_MAIN runs the suites against another checkout of the server (e.g. a release).
export const SERVER_MAIN = process.env['BARQNET_SERVER_MAIN'] ?? join(REPO, 'server', 'main.ts');
const MOCK = join(REPO, 'scripts', 'mock.ts');

export interface Running {
  url: string;
  /** Everything the process printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 200, the process dies, or the time is up. */
async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

/**
 * `node server/main.ts` on a free port (PORT=0) over a temporary SQLite file, in test mode.
 * The URL comes from the `listening` log line; ready once GET /ready answers 200.
 */
export async function startServer(env: Record<string, string> = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'barqnet-sdk-it-'));
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: dirname(dirname(SERVER_MAIN)),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'test.db')}`,
      TEST_MODE: '1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no "listening" line within 30 s:\n${output()}`)), 30_000);
      child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${output()}`)));
      child.stdout.on('data', () => {
        for (const line of output().split('\n')) {
          if (!line.includes('"listening"')) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'listening' && entry.url) {
              clearTimeout(timer);
              ok(entry.url);
            }
          } catch {
            // a partial line; the rest comes with the next chunk
          }
        }
      });
    });
    await waitReady(`${url}/ready`, child, output);
    return { url, output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `make mock` (scripts/mock.ts: the server's request checks in front of Prism) on a free port. */
export async function startMock(): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [MOCK], {
    cwd: REPO,
    env: { ...process.env, MOCK_HOST: '127.0.0.1', MOCK_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/health`, child, output, 60_000);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, output, stop: () => stopChild(child) };
}

/** A phone number the server's libphonenumber accepts, different on each call. */
export function uniquePhone(): string {
  const areas = ['212', '415', '202', '312', '617'];
  const area = areas[Math.floor(Math.random() * areas.length)]!;
  return `+1${area}555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
}

/** The code the server sent to `phoneNumber`, read through the test-mode bypass (internal: not in the SDK's types); it sends none while one is pending. */
export async function sentCode(baseUrl: string, phoneNumber: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/test/auth/bypass`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber, testMode: true }),
  });
  const body = (await response.json()) as { testOtp?: string };
  if (!response.ok || !body.testOtp) throw new Error(`bypass failed: ${JSON.stringify(body)}`);
  return body.testOtp;
}
