// Shared by the build scripts' `--check` modes: build into a temporary folder, compare with
// what is committed, and fail naming the stale files and the command that rebuilds them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function checkDrift(options: { build: (out: string) => void; committed: string; names: () => string[]; what: string; fix: string }): number {
  const tmp = mkdtempSync(join(tmpdir(), 'barqnet-check-'));
  try {
    options.build(tmp);
    const drift = options.names().filter((name) => {
      const built = join(tmp, name);
      const committed = join(options.committed, name);
      return !existsSync(built) || !existsSync(committed) || readFileSync(built, 'utf8') !== readFileSync(committed, 'utf8');
    });
    if (drift.length > 0) {
      console.error(`${options.what} is out of date or was edited by hand: ${drift.join(', ')}`);
      console.error(`Run \`${options.fix}\` and commit the result.`);
      return 1;
    }
    console.log(`${options.what} is up to date`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
