// Starts the API: config, database (migrated), locations, HTTP server, graceful shutdown.
import { createServer, type ServerResponse } from 'node:http';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDb } from './db/index.ts';
import { createLogger } from './lib/logger.ts';
import { pruneRateCounters } from './lib/rate-limit.ts';
import { seedLocations } from './vpn/vpn.service.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.jwt.generated) {
    logger.warn('jwt.secret.generated', { message: 'JWT_SECRET is not set: this process made a random one, so its tokens die with it and other instances refuse them' });
  }
  const db = await openDb(config.databaseUrl);
  await seedLocations(db);
  const app = createApp({ config, db, logger });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  const prune = setInterval(() => pruneRateCounters(db, Date.now() - 86_400_000).catch(() => {}), 600_000);
  prune.unref();

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info('listening', { url: `http://${host}:${port}`, env: config.env, database: db.dialect, testMode: config.testMode });

  let stopping = false;
  // Keep-alive sockets would hold the process open until the forced exit: answers still being
  // worked on at shutdown, and any that arrive after, say `Connection: close` instead.
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutdown', { signal });
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // In-flight requests finish; idle keep-alive sockets close now; a hard stop after the timeout.
    const force = setTimeout(() => {
      logger.warn('shutdown.forced', { timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close(async () => {
      await db.close().catch(() => {});
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
