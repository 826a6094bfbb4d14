// The front of `make mock`: every request first passes the server's own checks (route table,
// bearer token presence, body parser, contract validator, phone rule, error handler), so the mock
// refuses exactly what the server refuses, with the same status, code and details. Requests
// that pass go on to Prism, which answers from the document's examples.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { errorHandler } from '../server/http/errors.ts';
import { bearerAuth, cors, requestContext, routeGuard } from '../server/http/middleware.ts';
import type { Spec } from '../server/http/spec.ts';
import { validateRequests } from '../server/http/validation.ts';
import { UnavailableError } from '../server/lib/errors.ts';
import type { Logger } from '../server/lib/logger.ts';
import { normalizePhone } from '../server/lib/phone.ts';

export interface MockFrontOptions {
  spec: Spec;
  /** Where Prism listens, e.g. http://127.0.0.1:4011 */
  prismUrl: string;
  bodyLimit: string;
  logger: Logger;
  specJson: Buffer;
}

// Hop-by-hop headers, and the ones fetch has already applied (it decompresses the body).
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'accept-encoding', 'upgrade']);

/** Prism's own query parameters (`__code`, `__example`, ...) are not part of the contract. */
const withoutPrismQuery: RequestHandler = (req, _res, next) => {
  const [path, query] = req.url.split('?', 2);
  if (query) {
    const kept = new URLSearchParams(query);
    for (const name of [...kept.keys()]) if (name.startsWith('__')) kept.delete(name);
    req.url = kept.size ? `${path}?${kept}` : path!;
  }
  next();
};

/** The server checks phone numbers with libphonenumber beyond the pattern (server/auth/auth.routes.ts). */
const phoneRule: RequestHandler = (req, _res, next) => {
  const body = req.body as { phoneNumber?: unknown; countryCode?: unknown } | undefined;
  if (body && typeof body.phoneNumber === 'string') {
    normalizePhone(body.phoneNumber, typeof body.countryCode === 'string' ? body.countryCode : undefined);
  }
  next();
};

function forwardTo(prismUrl: string): RequestHandler {
  return async (req: Request, res: Response) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || NOT_FORWARDED.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = req.body === undefined || req.method === 'GET' ? undefined : JSON.stringify(req.body);
    let answer: globalThis.Response;
    try {
      answer = await fetch(prismUrl + req.originalUrl, { method: req.method, headers, body, redirect: 'manual' });
    } catch {
      throw new UnavailableError('The mock engine (Prism) is not answering; restart make mock', 1);
    }
    res.status(answer.status);
    answer.headers.forEach((value, name) => {
      if (!NOT_FORWARDED.has(name)) res.setHeader(name, value);
    });
    res.send(Buffer.from(await answer.arrayBuffer()));
  };
}

export function createMockFront(options: MockFrontOptions) {
  const { spec, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  app.use(cors(['*']));
  app.get('/openapi.json', (_req, res) => void res.type('application/json').send(options.specJson));
  app.use(routeGuard(spec));
  app.use(withoutPrismQuery);
  // Any well-formed bearer token passes: the mock has no users (docs/mock.md).
  const anyCaller = async () => ({ userId: 'usr_mock', sessionId: 'ses_mock', deviceId: null });
  app.use(bearerAuth(anyCaller, { hit: async () => {} }, Number.MAX_SAFE_INTEGER));
  app.use(validateRequests(spec, { bodyLimit: options.bodyLimit }));
  app.use(phoneRule);
  app.use(forwardTo(options.prismUrl));
  app.use(errorHandler(logger));
  return app;
}
