// Runs the real server (`node server/main.ts`) as a child process on a free port, with the same
// node binary as the caller, and waits until /ready answers. Used by the system tests, the SDK's
// tests, scripts/with-server, the soak and the benchmarks. Every child is also killed when the parent exits, so none outlives a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/root.ts';

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the `listening` log line. */
  startMs: number;
  /** Milliseconds from spawn to the first 200 of /ready. */
  readyMs: number;
  /** The log lines read so far (pipe mode only; the last 2,000 are kept). */
  logs(): string[];
  /** The last 8,000 characters written to stderr. */
  stderr(): string;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
  /** Resident set size in KiB from /proc (Linux), undefined elsewhere or once exited. */
  rssKiB(): number | undefined;
}

export interface StartOptions {
  /** Default: a new SQLite file in a temporary folder, removed once the process has exited. */
  databaseUrl?: string;
  /** Script to run instead of server/main.ts (the bench baselines). */
  script?: string;
  args?: string[];
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Polled until it answers 200; default /ready. */
  readyPath?: string;
  env?: Record<string, string>;
  /** Start from the caller's whole environment instead of PATH, HOME, TMPDIR, LANG and TZ (the test
   *  defaults and `env` still win): scripts/with-server, whose callers configure the server that way. */
  inheritEnv?: boolean;
  /** Send stdout to this file instead of a pipe (benchmarks: the load generator must not parse logs). */
  logFile?: string;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  // generous: on a machine busy with other work a start can take many seconds
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (options.env?.LOG_LEVEL && options.env.LOG_LEVEL !== 'info' && options.env.LOG_LEVEL !== 'debug') {
    throw new Error('startServer reads the port from the `listening` line: LOG_LEVEL must stay info or debug');
  }
  const scratch = options.databaseUrl === undefined ? mkdtempSync(join(tmpdir(), 'barqnet-server-')) : undefined;
  const env = {
    ...(options.inheritEnv ? process.env : baseEnv()),
    NODE_ENV: 'test',
    TEST_MODE: '1',
    // One secret for every instance of a test: tokens must survive a restart and cross instances.
    JWT_SECRET: 'test-only-secret-shared-by-the-instances-of-a-test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(scratch!, 'test.db')}`,
    ...options.env,
  };
  // a fresh file each time: an older `listening` line in it would name another port
  const fd = options.logFile ? openSync(options.logFile, 'w') : undefined;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? 'server/main.ts', ...(options.args ?? [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== undefined) closeSync(fd);
  alive.add(child);

  const lines: string[] = [];
  let stderr = '';
  let listening: { url: string; at: number } | undefined;
  const onLine = (line: string) => {
    if (lines.push(line) > 2000) lines.shift();
    if (!listening && line.includes('"msg":"listening"')) {
      listening = { url: (JSON.parse(line) as { url: string }).url, at: performance.now() };
    }
  };
  if (child.stdout) {
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach(onLine);
    });
  }
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      alive.delete(child);
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  let gone: Exit | undefined;
  void exited.then((exit) => (gone = exit));

  const deadline = started + timeoutMs;
  while (!listening) {
    if (gone) throw new Error(`server exited (${JSON.stringify(gone)}) before listening: ${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within ${timeoutMs} ms: ${stderr}`);
    }
    if (options.logFile) {
      const found = readFileSync(options.logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('"msg":"listening"'));
      if (found) listening = { url: (JSON.parse(found) as { url: string }).url, at: performance.now() };
    }
    await sleep(options.logFile ? 10 : 5);
  }
  const url = listening.url;
  // ready = listening and the database answers
  const readyUrl = url + (options.readyPath ?? '/ready');
  while (
    (await fetch(readyUrl).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    )) !== 200
  ) {
    if (gone || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server at ${url} never became ready: ${stderr}`);
    }
    await sleep(20);
  }

  const readyMs = performance.now() - started;
  const pid = child.pid!;
  return {
    url,
    pid,
    startMs: listening.at - started,
    readyMs,
    logs: () => [...lines],
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM', timeout = 15_000) {
      if (gone) return gone;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    rssKiB() {
      if (gone) return undefined;
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return match ? Number(match[1]) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
