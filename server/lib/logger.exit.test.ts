// The logger in a real process: what it writes before process.exit() reaches stdout.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('logger in a child process', () => {
  it('stdout_requestLinesHeldThenWrittenTogetherInOrder_otherLinesAtOnce_allFlushedAtExit', () => {
    // request lines wait for the batch; any other line writes them and itself in ONE write;
    // request lines still buffered when process.exit() runs are written synchronously
    const script = `
      import { createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};
      const writes = [];
      const real = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk) => (writes.push(chunk), real(chunk));
      const logger = createLogger('info');
      const request = (i) => logger.request({ requestId: 'r' + i, operationId: 'getHealth', method: 'GET', path: '/health', status: 200 + i, ms: 1 });
      for (let i = 0; i < 3; i++) request(i);
      setImmediate(() => {
        const held = writes.length;
        logger.warn('other');
        process.stderr.write(held + ' ' + writes.length);
        request(3);
        process.exit(0);
      });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('0 1');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; status?: number });
    expect(lines.map((l) => l.status ?? l.msg)).toEqual([200, 201, 202, 'other', 203]);
  });
});
