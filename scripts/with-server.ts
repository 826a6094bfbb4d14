// Runs a command against a fresh server: `scripts/with-server CMD [ARGS...]` (the bash entry picks
// Node 24). Starts the server (test/support/server-process.ts) over a new SQLite file in test mode,
// runs CMD with BARQNET_URL set, stops the server and exits with CMD's status.
//   SERVER_ENTRY  the entry point to start      (default server/main.ts; the drift test swaps it)
//   SERVER_LOG    where to keep the server's log (default: discarded)
// CMD also gets BARQNET_SERVER_LOG, the live log file (e.g. for what the requests reached). The
// server gets this process's environment under the test defaults (VALIDATE_RESPONSES=0 reaches it).
// Rate limits are raised so test clients reach the handlers instead of collecting 429s; the
// limits themselves are covered by the server's own tests.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer, type ServerProcess } from '../test/support/server-process.ts';

const LIMITS = {
  OTP_SEND_LIMIT_PER_HOUR: '100000',
  OTP_SEND_LIMIT_PER_IP_PER_HOUR: '100000',
  LOGIN_MAX_FAILURES: '100000',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
  USER_RATE_LIMIT_PER_MINUTE: '100000',
  IP_RATE_LIMIT_PER_MINUTE: '100000',
};

async function main(command: string[]): Promise<number> {
  if (command.length === 0) {
    console.error('usage: scripts/with-server CMD [ARGS...]');
    return 2;
  }
  const work = mkdtempSync(join(process.env['TMPDIR'] ?? tmpdir(), 'barqnet-server.'));
  const log = join(work, 'server.log');
  let server: ServerProcess | undefined;
  try {
    try {
      server = await startServer({
        ...(process.env['SERVER_ENTRY'] ? { script: process.env['SERVER_ENTRY'] } : {}),
        inheritEnv: true,
        env: LIMITS,
        logFile: log,
      });
    } catch (error) {
      console.error(`with-server: the server did not become ready (${(error as Error).message}); its log:`);
      if (existsSync(log)) console.error(readFileSync(log, 'utf8'));
      return 1;
    }
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, BARQNET_URL: server.url, BARQNET_SERVER_LOG: log } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    return await new Promise<number>((resolve) => {
      child.once('error', (error) => {
        console.error(`with-server: ${command[0]}: ${error.message}`);
        resolve(127);
      });
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15)));
    });
  } finally {
    await server?.stop();
    const kept = process.env['SERVER_LOG'];
    if (kept && existsSync(log)) {
      mkdirSync(dirname(kept), { recursive: true });
      copyFileSync(log, kept);
      if (server?.stderr()) appendFileSync(kept, server.stderr());
    }
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
