// Configuration is read once from the environment, validated and frozen; nothing below the
// composition root reads process.env. Start-up stops on a bad value.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly testMode: boolean;
  readonly version: string;
  /** `generated`: no JWT_SECRET was given (outside production), so this process made its own. */
  readonly jwt: { readonly secret: string; readonly generated: boolean; readonly issuer: string; readonly audience: string };
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshGraceSeconds: number;
  readonly otp: { readonly ttl: number; readonly maxAttempts: number; readonly sendsPerHour: number; readonly sendsPerIpPerHour: number };
  readonly login: { readonly maxFailures: number; readonly maxFailuresPerAddress: number; readonly lockoutSeconds: number };
  readonly userRateLimitPerMinute: number;
  readonly ipRateLimitPerMinute: number;
  readonly hash: { readonly concurrency: number; readonly queueLimit: number; readonly perAddressLimit: number };
  readonly bodyLimit: string;
  readonly validateResponses: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The line per request and the request's log scope (requestId/operationId on its lines); false = neither. */
  readonly logRequests: boolean;
  readonly sms: {
    readonly provider: 'console' | 'twilio';
    readonly twilio: { readonly accountSid: string; readonly authToken: string; readonly from: string; readonly baseUrl: string };
  };
  readonly defaultDataQuota: number;
  readonly maxCustomConfigs: number;
  readonly vpnConfigTtl: number;
  /** Express `trust proxy`: a number of hops (0 = none) or the proxies' addresses/CIDRs. */
  readonly trustProxy: number | readonly string[];
  readonly corsOrigins: readonly string[];
  /** Strict-Transport-Security max-age in seconds; 0 sends no header. */
  readonly hstsMaxAge: number;
  readonly shutdownTimeoutMs: number;
  readonly shutdownDrainMs: number;
  readonly sessionCache: { readonly ttlMs: number; readonly maxEntries: number };
  readonly rateLimitSyncMs: number;
  readonly locationsCacheMs: number;
  /** server/auth/retention.ts; intervalSeconds 0 = off */
  readonly retention: {
    readonly intervalSeconds: number;
    readonly batchSize: number;
    readonly codesSeconds: number;
    readonly loginFailuresSeconds: number;
    readonly sessionsSeconds: number;
  };
  /** GET /metrics on its own listener; `port` undefined = off: nothing is counted (docs/operations.md). */
  readonly metrics: { readonly port: number | undefined; readonly host: string };
  /** pino-pretty instead of JSON lines; undefined: main decides (a terminal in development). */
  readonly logPretty: boolean | undefined;
  /** OpenTelemetry traces: on when OTEL_TRACES_EXPORTER or an OTLP endpoint is set (and the SDK not disabled). */
  readonly tracing: boolean;
}

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

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * A count of proxy hops or a list of proxy addresses/CIDRs, never "trust everything": with `true`
 * Express takes the left-most X-Forwarded-For entry, which the client writes itself.
 */
function trustProxy(env: Env): number | readonly string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || /^(0|false|no|off)$/i.test(raw)) return 0;
  if (/^\d+$/.test(raw)) return int(env, 'TRUST_PROXY', 0, 0, 10);
  if (/^(true|yes|on)$/i.test(raw)) {
    throw new ConfigError(
      `TRUST_PROXY=${raw} would trust a client-written X-Forwarded-For; set the number of proxy hops (1 behind one load balancer) or the proxies' CIDRs`,
    );
  }
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.includes(entry) && (!family || !prefixOk || extra !== undefined)) {
      throw new ConfigError(`TRUST_PROXY must be a hop count or a comma-separated list of proxy addresses/CIDRs, got "${entry}"`);
    }
  }
  return entries;
}

/**
 * Why a production secret is guessable, if it is: under 32 bytes (RFC 7518 §3.2 wants a key of
 * the hash's size), under 128 bits by a character-frequency estimate, repeating itself, or a run
 * of neighbouring characters. Estimates, so only strings far from random fail.
 */
function weakSecret(secret: string): string | undefined {
  if (Buffer.byteLength(secret) < 32) return 'is shorter than 32 bytes';
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...secret].length;
  const bits = [...counts.values()].reduce((sum, n) => sum - n * Math.log2(n / length), 0);
  if (bits < 128) return `has about ${Math.floor(bits)} bits of entropy, fewer than 128`;
  const trigrams = Array.from({ length: secret.length - 2 }, (_, i) => secret.slice(i, i + 3));
  if (new Set(trigrams).size < 0.9 * trigrams.length) return 'repeats itself';
  let neighbours = 0;
  for (let i = 1; i < secret.length; i++) if (Math.abs(secret.charCodeAt(i) - secret.charCodeAt(i - 1)) === 1) neighbours++;
  if (neighbours > 0.5 * (secret.length - 1)) return 'is mostly a run of neighbouring characters';
  return undefined;
}

function jwtSecret(env: Env, production: boolean): { secret: string; generated: boolean } {
  const given = env.JWT_SECRET ?? '';
  if (production) {
    const weak = given ? weakSecret(given) : 'is not set';
    if (weak) throw new ConfigError(`JWT_SECRET ${weak}; production needs a random value, e.g. \`openssl rand -base64 48\``);
  } else if (given && Buffer.byteLength(given) < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 bytes');
  }
  // No public default: anyone could forge tokens with it. A secret of this process alone instead.
  return given ? { secret: given, generated: false } : { secret: randomBytes(32).toString('base64url'), generated: true };
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
  const { secret, generated } = jwtSecret(env, production);
  const testMode = bool(env, 'TEST_MODE', false);
  // Explicitly test, not merely "not production": an unset NODE_ENV must never open the bypass.
  if (testMode && env.NODE_ENV !== 'test') throw new ConfigError(`TEST_MODE needs NODE_ENV=test, got NODE_ENV=${env.NODE_ENV || '(unset)'}`);
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
  if (production && twilioUrl.protocol !== 'https:')
    throw new ConfigError('TWILIO_BASE_URL must use https in production: the auth token goes with every request');
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
    jwt: { secret, generated, issuer: env.JWT_ISSUER || 'barqnet-api', audience: env.JWT_AUDIENCE || 'barqnet-clients' },
    accessTokenTtl: int(env, 'ACCESS_TOKEN_TTL', 3600, 60, 86400),
    refreshTokenTtl: int(env, 'REFRESH_TOKEN_TTL', 2_592_000, 300, 31_536_000),
    refreshGraceSeconds: int(env, 'REFRESH_GRACE_SECONDS', 10, 0, 300),
    otp: {
      ttl: int(env, 'OTP_TTL', 600, 30, 3600),
      maxAttempts: int(env, 'OTP_MAX_ATTEMPTS', 3, 1, 10),
      sendsPerHour: int(env, 'OTP_SEND_LIMIT_PER_HOUR', 3, 1),
      sendsPerIpPerHour: int(env, 'OTP_SEND_LIMIT_PER_IP_PER_HOUR', 20, 1),
    },
    login: {
      maxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1),
      maxFailuresPerAddress: int(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 20, 1),
      lockoutSeconds: int(env, 'LOGIN_LOCKOUT_SECONDS', 900, 1),
    },
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
    logRequests: bool(env, 'LOG_REQUESTS', true),
    sms: { provider: smsProvider, twilio },
    defaultDataQuota: int(env, 'DEFAULT_DATA_QUOTA', 10_737_418_240, 0),
    maxCustomConfigs: int(env, 'MAX_CUSTOM_CONFIGS', 20, 1, 100),
    vpnConfigTtl: int(env, 'VPN_CONFIG_TTL', 604_800, 60),
    trustProxy: trustProxy(env),
    hstsMaxAge: int(env, 'HSTS_MAX_AGE', production ? 31_536_000 : 0, 0, 63_072_000),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    // Behind a load balancer, /ready must answer 503 for a few health-check periods before the
    // listener closes, or connections the balancer still sends are refused.
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', production ? 5_000 : 0, 0, 600_000),
    // At most 1 s: a revoked session must stop everywhere within a second (session.cache.ts).
    rateLimitSyncMs: int(env, 'RATE_LIMIT_SYNC_MS', 1000, 10, 60_000),
    locationsCacheMs: int(env, 'LOCATIONS_CACHE_MS', 2000, 0, 3_600_000),
    sessionCache: { ttlMs: int(env, 'SESSION_CACHE_MS', 500, 0, 1000), maxEntries: int(env, 'SESSION_CACHE_MAX_ENTRIES', 100_000, 0) },
    retention: {
      intervalSeconds: int(env, 'RETENTION_INTERVAL_SECONDS', 600, 0, 86_400),
      batchSize: int(env, 'RETENTION_BATCH_SIZE', 1000, 1, 100_000),
      codesSeconds: int(env, 'RETENTION_CODES_SECONDS', 86_400, 0),
      loginFailuresSeconds: int(env, 'RETENTION_LOGIN_FAILURES_SECONDS', 86_400, 0),
      sessionsSeconds: int(env, 'RETENTION_SESSIONS_SECONDS', 604_800, 0),
    },
    // Loopback unless told otherwise: the metrics name operations and volumes, not for the public.
    metrics: { port: env.METRICS_PORT ? int(env, 'METRICS_PORT', 0, 0, 65535) : undefined, host: env.METRICS_HOST || '127.0.0.1' },
    logPretty: env.LOG_PRETTY ? bool(env, 'LOG_PRETTY', false) : undefined,
    tracing: tracingWanted(env),
  };
  return deepFreeze(config);
}

/** Off by default: only the standard variables that name where traces go switch them on. */
function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (exporters.includes('none')) return false;
  return exporters.length > 0 || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

function deepFreeze<T>(value: T): T {
  for (const inner of Object.values(value as object)) {
    if (inner && typeof inner === 'object') deepFreeze(inner);
  }
  return Object.freeze(value);
}
