// The composition root: builds every service from explicit dependencies and mounts the
// whole route table, keyed by the contract's operationIds, in one place.
import { existsSync, readFileSync } from 'node:fs';
import type { Tracer } from '@opentelemetry/api';
import express, { type NextFunction, type Request, type Response } from 'express';
import { accountRoutes } from './auth/account.routes.ts';
import { createAccountService } from './auth/account.service.ts';
import { createAuthService } from './auth/auth.service.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { createJwt } from './auth/jwt.ts';
import { createOtpService } from './auth/otp.service.ts';
import { createSecrets } from './auth/secrets.ts';
import { createSessionService } from './auth/session.service.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import type { Db } from './db/index.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { chain } from './http/chain.ts';
import { apiHeaders, docsHeaders } from './http/headers.ts';
import { assertStorable } from './http/input.ts';
import { bearerAuth, cors, ipRateLimit, requestContext, routeGuard } from './http/middleware.ts';
import type { Handlers, OperationId } from './http/route.ts';
import { loadSpec, withoutOperation } from './http/spec.ts';
import { validateRequests } from './http/validation.ts';
import type { Clock } from './lib/clock.ts';
import { systemClock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import { metricsFor, type Metrics } from './lib/metrics.ts';
import { tracedDb, tracedSms, traceRequests } from './lib/tracing.ts';
import { createHasher } from './lib/passwords.ts';
import { createLocalRateLimiter, createRateLimiter } from './lib/rate-limit.ts';
import { consoleSender, testOutbox, twilioSender, type SmsSender, type TestOutbox } from './sms/sms.ts';
import { systemRoutes } from './system/system.routes.ts';
import { createUserService } from './user/user.service.ts';
import { userRoutes } from './user/user.routes.ts';
import { USED_DATA_OF_ACCOUNT } from './vpn/usage.service.ts';
import { createVpnService } from './vpn/vpn.service.ts';
import { vpnRoutes } from './vpn/vpn.routes.ts';

export interface AppOptions {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: Clock;
  sms?: SmsSender;
  /** The process's metrics (main serves them on METRICS_PORT); when omitted, a fresh registry if METRICS_PORT is set, else none (nothing counted). */
  metrics?: Metrics;
  /** Given when tracing is on (OTEL_*): spans for each request, statement and SMS. */
  tracer?: Tracer;
  /** True once shutdown has begun: /ready then answers 503 so a load balancer stops sending. */
  draining?: () => boolean;
}

const generated = (file: string) => new URL(`../generated/${file}`, import.meta.url);
const docs = (file: string) => new URL(`../docs/${file}`, import.meta.url);

function smsFor(config: Config, logger: Logger, given: SmsSender | undefined): { sms: SmsSender; outbox: TestOutbox | undefined } {
  const sms = given ?? (config.testMode ? testOutbox() : config.sms.provider === 'twilio' ? twilioSender(config.sms.twilio) : consoleSender(logger));
  // The bypass reads the outbox, so only test mode ever has one.
  return { sms, outbox: config.testMode && 'latestCode' in sms ? (sms as TestOutbox) : undefined };
}

export function createApp(options: AppOptions) {
  const { config, logger, tracer } = options;
  const clock = options.clock ?? systemClock;
  const { sms: sender, outbox } = smsFor(config, logger, options.sms);
  const metrics = options.metrics ?? metricsFor(config, false);
  const onRefuse = (limit: string) => metrics.rateLimited(limit);
  options.db.observe?.(metrics.db);
  const db = tracer ? tracedDb(options.db, tracer) : options.db;
  const sms = tracer ? tracedSms(sender, tracer, config.testMode ? 'test' : config.sms.provider) : sender;
  const deps: Deps = {
    config,
    db,
    clock,
    logger,
    metrics,
    sms,
    outbox,
    jwt: createJwt(config.jwt),
    secrets: createSecrets(config.jwt.secret),
    hasher: createHasher(config.hash, metrics.hasher),
    limiter: createRateLimiter(db, clock, { onRefuse }),
    requestLimiter: createLocalRateLimiter(db, clock, {
      syncMs: config.rateLimitSyncMs,
      onRefuse,
      onSyncError: (error) => logger.warn('rate_limit.sync_failed', { error: String(error) }),
    }),
  };
  metrics.sources.hasher = () => deps.hasher.stats();
  if (db.poolStats) metrics.sources.pool = () => db.poolStats!();
  const spec = loadSpec(generated('openapi.json'));
  const otp = createOtpService(deps);
  const sessions = createSessionService(deps);
  // One way: auth -> user and vpn -> user; user hears of vpn's traffic only through the subquery
  // vpn/ writes for it, so a profile is one statement.
  const users = createUserService(deps, USED_DATA_OF_ACCOUNT);
  const auth = createAuthService(deps, users, otp, sessions);
  const handlers: Handlers = {
    ...authRoutes(auth, otp, sessions),
    ...accountRoutes(createAccountService(deps, users, auth, sessions, otp)),
    ...vpnRoutes(createVpnService(deps, users)),
    ...userRoutes(users),
    ...systemRoutes(deps, Date.now(), options.draining ?? (() => false)),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(
    chain([
      apiHeaders(config.hstsMaxAge),
      ...(tracer ? [traceRequests(tracer)] : []),
      requestContext(config.logRequests ? logger : undefined, metrics.enabled ? metrics : undefined),
      cors(config.corsOrigins),
    ]),
  );

  const publicSpecJson = readFileSync(generated('openapi.public.json'));
  const publicSpecYaml = readFileSync(generated('openapi.public.yaml'));
  app.get('/openapi.json', (_req, res) => void res.type('application/json').send(publicSpecJson));
  app.get('/openapi.yaml', (_req, res) => void res.type('application/yaml').send(publicSpecYaml));
  // Read once: the page's Content-Security-Policy names the hashes of its inline scripts.
  const docsPage = existsSync(docs('index.html')) ? readFileSync(docs('index.html'), 'utf8') : undefined;
  // The reference links to the guides beside it (`quickstart.md`): relative links need the slash.
  app.get(['/docs', '/docs/'], ...(docsPage ? [docsHeaders(docsPage, config.hstsMaxAge)] : []), (req, res) => {
    if (!docsPage) return sendError(res, { error: 'NOT_FOUND', message: 'The docs are not built; run make docs' });
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, '/docs/');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('html').send(docsPage);
  });
  app.get('/docs/:guide', (req, res, next) => {
    if (!/^[a-z-]+\.md$/.test(req.params.guide) || !existsSync(docs(req.params.guide))) return next();
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('text/markdown; charset=utf-8').sendFile(docs(req.params.guide).pathname);
  });

  // Outside test mode the bypass does not exist: no route, and 404 like any unknown path.
  const served = config.testMode ? spec : withoutOperation(spec, 'testAuthBypass');
  // One dispatch by the operationId routeGuard found: no second route table to walk (the
  // validator has already matched the path and parsed its parameters).
  type Handler = (ctx: object) => Promise<{ status: number; body: unknown }>;
  // The contract types each handler; the dispatch only needs their common shape.
  const byOperation = new Map(served.operations.map((op) => [op.operationId, handlers[op.operationId as OperationId] as unknown as Handler]));
  const dispatch = async (req: Request, res: Response, next: NextFunction) => {
    const handler = req.operationId === undefined ? undefined : byOperation.get(req.operationId);
    if (!handler) return next();
    const params = (req as { openapi?: { pathParams?: Record<string, string> } }).openapi?.pathParams ?? {};
    assertStorable(params, '/params');
    const reply = await handler({ body: req.body as unknown, query: req.query, params, ip: req.ip ?? 'unknown', caller: req.caller });
    res.status(reply.status).json(reply.body);
  };
  app.use(
    chain([
      routeGuard(served),
      ipRateLimit(deps.requestLimiter, config.ipRateLimitPerMinute),
      bearerAuth(sessions.authenticate, deps.requestLimiter, config.userRateLimitPerMinute),
      ...validateRequests(spec, { bodyLimit: config.bodyLimit, validateResponses: config.validateResponses && { logger } }),
      dispatch,
    ]),
  );
  app.use(errorHandler(logger));
  return app;
}
