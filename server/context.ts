// What every service receives: built once in createApp, passed down explicitly.
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import type { Jwt } from './auth/jwt.ts';
import type { Secrets } from './auth/secrets.ts';
import type { Clock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import type { Metrics } from './lib/metrics.ts';
import type { PasswordHasher } from './lib/passwords.ts';
import type { RateLimiter } from './lib/rate-limit.ts';
import type { SmsSender, TestOutbox } from './sms/sms.ts';

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sms: SmsSender;
  /** Present only in test mode: the messages the bypass reads. */
  outbox: TestOutbox | undefined;
  jwt: Jwt;
  secrets: Secrets;
  hasher: PasswordHasher;
  /** exact across instances: the security limits */
  limiter: RateLimiter;
  /** in memory, reconciled every RATE_LIMIT_SYNC_MS: the general request limits */
  requestLimiter: RateLimiter;
}

/** The authenticated caller, set by the bearer middleware. */
export interface Caller {
  userId: string;
  sessionId: string;
  deviceId: string | null;
}
