// The real server (or the mock) for the integration and CLI suites, started by the repository's
// one launcher (test/support/server-process.ts), and the test-mode helpers they share.
import { join } from 'node:path';
import { ROOT } from '../../../scripts/lib/root.ts';
import { startServer as startProcess, type ServerProcess } from '../../../test/support/server-process.ts';
import { pendingOtp, phoneNumber } from '../../../test/support/flows.ts';
import { client } from '../../../test/support/http.ts';

// BARQNET_SERVER_MAIN runs the suites against another checkout of the server (e.g. a release).
export const SERVER_MAIN = process.env['BARQNET_SERVER_MAIN'] ?? join(ROOT, 'server', 'main.ts');

export interface Running {
  url: string;
  /** Everything the process printed, for failure messages and log reads. */
  output: () => string;
  stop: () => Promise<void>;
}

function running(child: ServerProcess): Running {
  return {
    url: child.url,
    output: () => [...child.logs(), child.stderr()].join('\n'),
    stop: async () => void (await child.stop()),
  };
}

/** `node server/main.ts` on a free port over a temporary SQLite file, in test mode; `env` overrides. */
export async function startServer(env: Record<string, string> = {}): Promise<Running> {
  return running(await startProcess({ script: SERVER_MAIN, env }));
}

/** `make mock` (scripts/mock.ts: the server's request checks in front of Prism) on a free port. */
export async function startMock(): Promise<Running> {
  return running(await startProcess({ script: join(ROOT, 'scripts', 'mock.ts'), env: { MOCK_HOST: '127.0.0.1', MOCK_PORT: '0' }, readyPath: '/health' }));
}

/** A phone number the server's libphonenumber accepts, different on each call. */
export function uniquePhone(): string {
  const areas = ['212', '415', '202', '312', '617'];
  return phoneNumber(Math.floor(Math.random() * 10_000), areas[Math.floor(Math.random() * areas.length)]);
}

/** The code the server sent to `phoneNumber`, read through the test-mode bypass (internal: not in the SDK's types); it sends none while one is pending. */
export async function sentCode(baseUrl: string, phoneNumber: string): Promise<string> {
  const c = client(baseUrl);
  try {
    return (await pendingOtp(c, phoneNumber)).otp;
  } finally {
    c.close();
  }
}
