// Configuration is read once from the environment, validated and frozen; nothing below the
// composition root reads process.env. Start-up stops on a bad value.
import { availableParallelism } from 'node:os';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly testMode: boolean;
  readonly version: string;
  readonly jwt: { readonly secret: string; readonly issuer: string; readonly audience: string };
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshGraceSeconds: number;
  readonly otp: { readonly ttl: number; readonly maxAttempts: number; readonly sendsPerHour: number; readonly sendsPerIpPerHour: number };
  readonly login: { readonly maxFailures: number; readonly lockoutSeconds: number };
  readonly userRateLimitPerMinute: number;
  readonly ipRateLimitPerMinute: number;
  readonly hash: { readonly concurrency: number; readonly queueLimit: number; readonly perAddressLimit: number };
  readonly bodyLimit: string;
  readonly validateResponses: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly sms: { readonly provider: 'console' | 'twilio'; readonly twilio: { readonly accountSid: string; readonly authToken: string; readonly from: string; readonly baseUrl: string } };
  readonly defaultDataQuota: number;
  readonly maxCustomConfigs: number;
  readonly vpnConfigTtl: number;
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[];
  readonly shutdownTimeoutMs: number;
  readonly shutdownDrainMs: number;
  readonly sessionCache: { readonly ttlMs: number; readonly maxEntries: number };
  readonly rateLimitSyncMs: number;
  /** server/auth/retention.ts; intervalSeconds 0 = off */
  readonly retention: { readonly intervalSeconds: number; readonly batchSize: number; readonly codesSeconds: number; readonly loginFailuresSeconds: number; readonly sessionsSeconds: number };
}

export const DEV_JWT_SECRET = 'dev-only-secret-change-me-dev-only-secret';

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // Decimal digits only: Number() would also take '0x1F90', '8e3' and ' 80 '.
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be a boolean (1/0, true/false), got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  const secret = env.JWT_SECRET || (production ? '' : DEV_JWT_SECRET);
  if (production && (secret.length < 32 || secret === DEV_JWT_SECRET)) {
    throw new ConfigError('JWT_SECRET must be set to a random value of at least 32 characters in production');
  }
  if (secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  const testMode = bool(env, 'TEST_MODE', false);
  if (testMode && production) throw new ConfigError('TEST_MODE cannot be enabled when NODE_ENV=production');
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/barqnet.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
  }
  const smsProvider = oneOf(env, 'SMS_PROVIDER', ['console', 'twilio'] as const, 'console');
  const twilio = {
    accountSid: env.TWILIO_ACCOUNT_SID ?? '',
    authToken: env.TWILIO_AUTH_TOKEN ?? '',
    from: env.TWILIO_FROM ?? '',
    baseUrl: env.TWILIO_BASE_URL || 'https://api.twilio.com',
  };
  const twilioUrl = URL.canParse(twilio.baseUrl) ? new URL(twilio.baseUrl) : undefined;
  if (!twilioUrl || (twilioUrl.protocol !== 'https:' && twilioUrl.protocol !== 'http:')) {
    throw new ConfigError(`TWILIO_BASE_URL must be an http(s) URL, got "${twilio.baseUrl}"`);
  }
  if (production && twilioUrl.protocol !== 'https:') throw new ConfigError('TWILIO_BASE_URL must use https in production: the auth token goes with every request');
  if (smsProvider === 'twilio' && (!twilio.accountSid || !twilio.authToken || !twilio.from)) {
    throw new ConfigError('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM');
  }
  if (production && smsProvider === 'console') {
    throw new ConfigError('SMS_PROVIDER=console would log one-time codes; production needs a real provider');
  }
  const bodyLimit = env.BODY_LIMIT || '100kb';
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) throw new ConfigError(`BODY_LIMIT must look like 100kb, got "${bodyLimit}"`);
  const config: Config = {
    env: nodeEnv,
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    testMode,
    version: env.APP_VERSION || '1.0.0',
    jwt: { secret, issuer: env.JWT_ISSUER || 'barqnet-api', audience: env.JWT_AUDIENCE || 'barqnet-clients' },
    accessTokenTtl: int(env, 'ACCESS_TOKEN_TTL', 3600, 60, 86400),
    refreshTokenTtl: int(env, 'REFRESH_TOKEN_TTL', 2_592_000, 300, 31_536_000),
    refreshGraceSeconds: int(env, 'REFRESH_GRACE_SECONDS', 10, 0, 300),
    otp: {
      ttl: int(env, 'OTP_TTL', 600, 30, 3600),
      maxAttempts: int(env, 'OTP_MAX_ATTEMPTS', 3, 1, 10),
      sendsPerHour: int(env, 'OTP_SEND_LIMIT_PER_HOUR', 3, 1),
      sendsPerIpPerHour: int(env, 'OTP_SEND_LIMIT_PER_IP_PER_HOUR', 20, 1),
    },
    login: { maxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1), lockoutSeconds: int(env, 'LOGIN_LOCKOUT_SECONDS', 900, 1) },
    userRateLimitPerMinute: int(env, 'USER_RATE_LIMIT_PER_MINUTE', 100, 1),
    ipRateLimitPerMinute: int(env, 'IP_RATE_LIMIT_PER_MINUTE', 600, 1),
    // One core is left to the event loop: a hash thread on every core starves it under a login flood.
    hash: {
      concurrency: int(env, 'HASH_CONCURRENCY', Math.max(1, availableParallelism() - 1), 1, 64),
      queueLimit: int(env, 'HASH_QUEUE_LIMIT', 256, 1),
      perAddressLimit: int(env, 'HASH_QUEUE_LIMIT_PER_ADDRESS', 32, 1),
    },
    bodyLimit,
    validateResponses: bool(env, 'VALIDATE_RESPONSES', !production),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
    sms: { provider: smsProvider, twilio },
    defaultDataQuota: int(env, 'DEFAULT_DATA_QUOTA', 10_737_418_240, 0),
    maxCustomConfigs: int(env, 'MAX_CUSTOM_CONFIGS', 20, 1, 100),
    vpnConfigTtl: int(env, 'VPN_CONFIG_TTL', 604_800, 60),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    // Behind a load balancer, /ready must answer 503 for a few health-check periods before the
    // listener closes, or connections the balancer still sends are refused.
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', production ? 5_000 : 0, 0, 600_000),
    // At most 1 s: a revoked session must stop everywhere within a second (session.cache.ts).
    rateLimitSyncMs: int(env, 'RATE_LIMIT_SYNC_MS', 1000, 10, 60_000),
    sessionCache: { ttlMs: int(env, 'SESSION_CACHE_MS', 500, 0, 1000), maxEntries: int(env, 'SESSION_CACHE_MAX_ENTRIES', 100_000, 0) },
    retention: {
      intervalSeconds: int(env, 'RETENTION_INTERVAL_SECONDS', 600, 0, 86_400),
      batchSize: int(env, 'RETENTION_BATCH_SIZE', 1000, 1, 100_000),
      codesSeconds: int(env, 'RETENTION_CODES_SECONDS', 86_400, 0),
      loginFailuresSeconds: int(env, 'RETENTION_LOGIN_FAILURES_SECONDS', 86_400, 0),
      sessionsSeconds: int(env, 'RETENTION_SESSIONS_SECONDS', 604_800, 0),
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  for (const inner of Object.values(value as object)) {
    if (inner && typeof inner === 'object') deepFreeze(inner);
  }
  return Object.freeze(value);
}
