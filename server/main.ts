// Starts the API: config, database (migrated), locations, HTTP server, graceful shutdown.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createApp } from './app.ts';
import { startupHints } from './hints.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDb } from './db/index.ts';
import { batchedStdout, createLogger, prettyStdout } from './lib/logger.ts';
import { systemClock } from './lib/clock.ts';
import { metricsFor } from './lib/metrics.ts';
import { startTracing } from './lib/tracing.ts';
import { pruneRateLimits } from './lib/rate-limit.ts';
import { startRetention } from './auth/retention.ts';
import { metricsServer } from './system/metrics.server.ts';
import { seedLocations } from './vpn/vpn.service.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  // Pretty for a person at a terminal in development, JSON lines otherwise (also when piped).
  const pretty = config.logPretty ?? (config.env === 'development' && process.stdout.isTTY === true);
  const logger = createLogger(config.logLevel, (pretty && (await prettyStdout())) || batchedStdout());
  if (config.jwt.generated) {
    logger.warn('jwt.secret.generated', {
      message: 'JWT_SECRET is not set: this process made a random one, so its tokens die with it and other instances refuse them',
    });
  }
  // Before the database opens, so its first statements are traced too.
  const tracing = config.tracing ? await startTracing() : undefined;
  const db = await openDb(config.databaseUrl);
  await seedLocations(db);
  let draining = false;
  const metrics = metricsFor(config);
  const app = createApp({ config, db, logger, metrics, ...(tracing ? { tracer: tracing.tracer } : {}), draining: () => draining });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  const prune = setInterval(() => void pruneRateLimits(db, systemClock).catch(() => {}), 600_000);
  prune.unref();
  startRetention(db, systemClock, config, logger);

  await listen(server, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info('listening', { url: `http://${host}:${port}`, env: config.env, database: db.dialect, testMode: config.testMode, tracing: config.tracing });
  for (const hint of startupHints(config)) logger.info('hint', { hint });
  const scrape = metrics.enabled ? metricsServer(metrics.registry) : undefined;
  if (scrape) {
    await listen(scrape, config.metrics.port!, config.metrics.host, 'METRICS_PORT');
    const at = scrape.address();
    logger.info('metrics.listening', { url: `http://${config.metrics.host}:${typeof at === 'object' && at ? at.port : config.metrics.port}/metrics` });
  }

  // Shutdown in three steps: drain (the listener stays open and every request gets its real
  // answer, while /ready says 503 so a load balancer stops sending), close the listener, then
  // let the requests in flight finish. Answers given from the drain on carry `Connection: close`
  // so keep-alive clients move to another instance instead of reusing a closing socket.
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  let closing = false;
  const closeListener = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => {
      logger.warn('shutdown.forced', { timeoutMs: config.shutdownTimeoutMs, inFlight: inFlight.size });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    // close() also ends the keep-alive sockets that are idle now; busy ones end after their answer.
    scrape?.close();
    server.close(() => {
      void (async () => {
        await db.close().catch(() => {});
        // the spans still buffered go out before the exit
        await tracing?.shutdown().catch(() => {});
        logger.info('stopped');
        process.exit(0);
      })();
    });
    logger.info('shutdown.listener_closed', { inFlight: inFlight.size });
  };
  let drainTimer: NodeJS.Timeout | undefined;
  const shutdown = (signal: string) => {
    // A second signal skips what is left of the drain (Ctrl-C twice in a terminal).
    if (draining) {
      clearTimeout(drainTimer);
      closeListener();
      return;
    }
    draining = true;
    logger.info('shutdown', { signal, drainMs: config.shutdownDrainMs, inFlight: inFlight.size });
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    drainTimer = setTimeout(closeListener, config.shutdownDrainMs);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Listens, turning a busy or forbidden port into a one-line start-up error instead of a stack. */
function listen(server: Server, port: number, host: string, portName = 'PORT'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(
          new ConfigError(
            `cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? `the port is in use (set ${portName} to another one)` : error.code === 'EACCES' ? 'permission denied (use a port above 1023)' : 'the address is not on this machine (check HOST)'}`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`fatal: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
