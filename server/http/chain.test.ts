import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { chain } from './chain.ts';

/** Runs the chain on a bare request and resolves with what it handed on (undefined: passed through). */
function run(handlers: RequestHandler[]): Promise<{ error: unknown; seen: string[] }> {
  const seen: string[] = [];
  const req = { seen } as never;
  return new Promise((resolve) => chain(handlers)(req, {} as never, (error?: unknown) => resolve({ error, seen })));
}
const step =
  (name: string): RequestHandler =>
  (req, _res, next) => {
    (req as unknown as { seen: string[] }).seen.push(name);
    next();
  };

describe('chain', () => {
  it('chain_handlers_runInOrderThenPassOn', async () => {
    expect(await run([step('a'), step('b'), step('c')])).toEqual({ error: undefined, seen: ['a', 'b', 'c'] });
  });

  it('chain_asyncHandler_continuesAfterItsAwait', async () => {
    const later: RequestHandler = async (req, _res, next) => {
      await new Promise((r) => setTimeout(r, 1));
      (req as unknown as { seen: string[] }).seen.push('later');
      next();
    };
    expect(await run([step('a'), later, step('b')])).toEqual({ error: undefined, seen: ['a', 'later', 'b'] });
  });

  it('chain_throwRejectionOrNextError_skipsTheRestAndHandsTheErrorOn', async () => {
    const boom = new Error('boom');
    const thrower: RequestHandler = () => {
      throw boom;
    };
    const rejecter: RequestHandler = () => Promise.reject(boom);
    const nexter: RequestHandler = (_req, _res, next) => next(boom);
    for (const failing of [thrower, rejecter, nexter]) expect(await run([step('a'), failing, step('never')])).toEqual({ error: boom, seen: ['a'] });
  });

  it('chain_rejectionWithoutAnError_stillReachesTheErrorHandler', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    const { error } = await run([() => Promise.reject(undefined)]);
    expect(error).toBeInstanceOf(Error);
  });

  it('chain_nextRoute_skipsTheRestWithoutAnError', async () => {
    expect(await run([step('a'), (_req, _res, next) => next('route'), step('never')])).toEqual({ error: undefined, seen: ['a'] });
  });
});
