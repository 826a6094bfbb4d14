// Cross-cutting request handling, in the order app.ts mounts it.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import type { Caller } from '../context.ts';
import { runInRequestScope, type Logger, type RequestScope } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { RateLimiter } from '../lib/rate-limit.ts';
import { UnauthenticatedError } from '../lib/errors.ts';
import type { Spec } from './spec.ts';
import { sendError } from './errors.ts';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    operationId?: string;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A request's log scope, and when it started (performance.now()) for its duration. */
interface Timed extends RequestScope {
  started: number;
}

/**
 * Accepts a client's X-Request-Id only when short and safe (it ends up in logs); the rest of the
 * request runs in its log scope, so every line it logs names it. Without `logger` (LOG_REQUESTS=0)
 * there is no request line and no scope, without `metrics` (METRICS_PORT unset) nothing is
 * counted: with both off the request only gets its headers here. Per request this makes one
 * object (the scope, kept in res.locals) and no closure: the finish listener is shared.
 */
export function requestContext(logger: Logger | undefined, metrics?: Metrics): RequestHandler {
  function finished(this: Response) {
    const scope = this.locals.scope as Timed;
    const req = this.req as Request;
    const ms = performance.now() - scope.started;
    metrics?.request(req.operationId, req.method, this.statusCode, ms / 1000);
    logger?.request({
      requestId: scope.requestId,
      operationId: req.operationId,
      method: req.method,
      path: req.path,
      status: this.statusCode,
      ms,
      traceId: scope.traceId,
    });
  }
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Cache-Control', 'no-store');
    if (!logger && !metrics) return next();
    const scope: Timed = { requestId, operationId: undefined, traceId: logger && trace.getActiveSpan()?.spanContext().traceId, started: performance.now() };
    res.locals.scope = scope;
    res.on('finish', finished);
    if (!logger) return next();
    runInRequestScope(scope, next);
  };
}

export function routeGuard(spec: Spec): RequestHandler {
  return (req, res, next) => {
    const found = spec.match(req.method, req.path);
    if (found.kind === 'no-path') return sendError(res, { error: 'NOT_FOUND', message: `No route ${req.method} ${req.path}` });
    if (found.kind === 'no-method') {
      res.setHeader('Allow', found.allow);
      return sendError(res, { error: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here; use ${found.allow}` });
    }
    req.operationId = found.operation.operationId;
    const scope = res.locals.scope as RequestScope | undefined;
    if (scope) scope.operationId = req.operationId; // the request's log lines name it from here on
    res.locals.secured = found.operation.secured;
    next();
  };
}

export function ipRateLimit(limiter: RateLimiter, perMinute: number): RequestHandler {
  return async (req, _res, next) => {
    // Liveness answers without touching the database (openapi/paths/health.yaml): a database
    // outage must not make orchestrators restart every healthy process.
    if (req.operationId === 'getHealth') return next();
    await limiter.hit(`ip:${req.ip}`, perMinute, 60);
    next();
  };
}

/** RFC 6750 bearer authentication for secured operations, then the per-user rate limit. */
export function bearerAuth(authenticate: (token: string) => Promise<Caller>, limiter: RateLimiter, perMinute: number): RequestHandler {
  return async (req, res, next) => {
    if (!res.locals.secured) return next();
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match)
      throw new UnauthenticatedError(header ? 'INVALID_TOKEN' : 'UNAUTHORIZED', header ? 'Malformed Authorization header' : 'A bearer token is required');
    req.caller = await authenticate(match[1]!);
    await limiter.hit(`user:${req.caller.userId}`, perMinute, 60);
    next();
  };
}

/**
 * CORS for browser clients of the SDK, for the origins listed in CORS_ORIGINS only. Preflights
 * are answered here, before the contract's 405, since OPTIONS is not an API operation.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || !(allowed.has(origin) || allowed.has('*'))) return next();
    res.setHeader('Access-Control-Allow-Origin', allowed.has('*') ? '*' : origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, WWW-Authenticate, X-Request-Id');
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
