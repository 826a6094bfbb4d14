// Several middlewares run in order as ONE Express layer. Express pays for each layer it walks
// (path match, parameter processing, its own next); the API's request path has a dozen, run on
// every request in the same order, so they are walked here instead. Errors behave as in
// Express 5: a throw or a rejected promise goes to the error handler after the chain.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function chain(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const fail = (error: unknown) => done(error ?? new Error('A middleware failed without an error'));
    const next = (error?: unknown) => {
      // 'route' and 'router' skip the rest of this chain, as they skip the rest of a router.
      if (error === 'route' || error === 'router') return done();
      if (error !== undefined && error !== null) return done(error);
      const handler = handlers[index++];
      if (!handler) return done();
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.catch(fail);
      } catch (thrown) {
        fail(thrown);
      }
    };
    next();
  };
}
