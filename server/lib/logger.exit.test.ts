// The logger in a real process: what it writes before process.exit() reaches stdout.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('logger in a child process', () => {
  it('stdout_linesOfOneTurn_writtenTogetherInOrderAndFlushedAtExit', () => {
    // one write per turn of the event loop; process.exit right after logging loses nothing
    const script = `
      import { createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};
      const writes = [];
      const real = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk) => (writes.push(chunk), real(chunk));
      const logger = createLogger('info');
      for (let i = 0; i < 3; i++) logger.info('line', { i });
      setImmediate(() => {
        process.stderr.write(String(writes.length));
        logger.info('last');
        process.exit(0);
      });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    // the three lines of the first turn reached stdout in ONE write
    expect(run.stderr).toBe('1');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; i?: number });
    expect(lines.map((l) => l.i ?? l.msg)).toEqual([0, 1, 2, 'last']);
  });
});
