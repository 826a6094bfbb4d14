import { describe, expect, it } from 'vitest';
import { operations, reached, table } from './coverage.ts';

const spec = {
  paths: {
    '/v1/auth/login': { post: { operationId: 'login', responses: { '200': {}, '401': {}, '429': {} } } },
    '/health': { get: { operationId: 'getHealth', responses: { '200': {} } } },
  },
};
const line = (operationId: string | undefined, status: number) => JSON.stringify({ level: 'info', msg: 'request', operationId, status });

describe('contract coverage', () => {
  it('table_operationWithOnly401s_isMissingItsSuccess', () => {
    const log = [line('login', 401), line('login', 401), line('getHealth', 200), line(undefined, 404), '{"msg":"listening"}'].join('\n');
    const { lines, missing } = table(operations(spec), reached(log));
    expect(missing).toEqual(['login']);
    expect(lines).toContain('| login | 2 | 401×2 | 200 429 |');
    expect(lines).toContain('| getHealth | 1 | 200×1 |  |');
  });

  it('table_everyOperationWithA2xx_missesNothing', () => {
    const log = [line('login', 200), line('getHealth', 200)].join('\n');
    expect(table(operations(spec), reached(log)).missing).toEqual([]);
  });
});
