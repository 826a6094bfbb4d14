import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const SECRET = 'k3Jx9vQ2mW8pL5tR7yB4nC6hF1dG0sAe';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: 'AC1',
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_FROM: '+15005550006',
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('loadConfig_observability_metricsOffOnLoopbackAndTracingOnlyWhenOtelSaysSo', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(refusal({ METRICS_PORT: 'ninety' })).toMatch(/METRICS_PORT/);
    expect(loadConfig({}).tracing).toBe(false);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toBe(true);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toBe(false);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).tracing).toBe(false);
    expect([loadConfig({}).logPretty, loadConfig({ LOG_PRETTY: '1' }).logPretty, loadConfig({ LOG_PRETTY: '0' }).logPretty]).toEqual([undefined, true, false]);
  });

  it('loadConfig_logRequests_onByDefaultOffByBooleanElseRefused', () => {
    expect(loadConfig({}).logRequests).toBe(true);
    expect(loadConfig({ LOG_REQUESTS: '' }).logRequests).toBe(true);
    expect(['1', 'true', 'on'].map((v) => loadConfig({ LOG_REQUESTS: v }).logRequests)).toEqual([true, true, true]);
    expect(['0', 'false', 'off', 'NO'].map((v) => loadConfig({ LOG_REQUESTS: v }).logRequests)).toEqual([false, false, false, false]);
    expect(refusal({ LOG_REQUESTS: 'silent' })).toMatch(/LOG_REQUESTS/);
    expect(refusal({ LOG_REQUESTS: '2' })).toMatch(/LOG_REQUESTS/);
  });

  it('loadConfig_emptyEnvironment_hasTheDocumentedDefaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:./data/barqnet.db',
      testMode: false,
      version: '1.0.0',
      jwt: { secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), generated: true, issuer: 'barqnet-api', audience: 'barqnet-clients' },
      accessTokenTtl: 3600,
      refreshTokenTtl: 30 * 86_400,
      refreshGraceSeconds: 10,
      otp: { ttl: 600, maxAttempts: 3, sendsPerHour: 3, sendsPerIpPerHour: 20 },
      login: { maxFailures: 5, maxFailuresPerAddress: 20, lockoutSeconds: 900 },
      userRateLimitPerMinute: 100,
      ipRateLimitPerMinute: 600,
      hash: { concurrency: Math.max(1, availableParallelism() - 1), queueLimit: 256 },
      bodyLimit: '100kb',
      validateResponses: true,
      logLevel: 'info',
      logRequests: true,
      sms: { provider: 'console', twilio: { baseUrl: 'https://api.twilio.com' } },
      defaultDataQuota: 10 * 1024 ** 3,
      maxCustomConfigs: 20,
      vpnConfigTtl: 7 * 86_400,
      trustProxy: 0,
      hstsMaxAge: 0,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('loadConfig_emptyStrings_meanTheDefault', () => {
    expect(loadConfig({ PORT: '', TEST_MODE: '', JWT_SECRET: '' })).toMatchObject({ port: 8080, testMode: false, jwt: { generated: true } });
  });

  it('loadConfig_overrides_areParsed', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '9000',
      TEST_MODE: 'true',
      TRUST_PROXY: '1',
      ACCESS_TOKEN_TTL: '60',
      LOG_LEVEL: 'silent',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
    });
    expect(config).toMatchObject({
      port: 9000,
      testMode: true,
      trustProxy: 1,
      accessTokenTtl: 60,
      logLevel: 'silent',
      databaseUrl: 'postgres://u:p@db:5432/x',
    });
  });

  it('loadConfig_production_refusesAMissingDefaultOrShortSecret', () => {
    for (const JWT_SECRET of ['', 'dev-only-secret-change-me-dev-only-secret', 'x'.repeat(31)]) {
      expect(refusal({ ...PRODUCTION, JWT_SECRET })).toMatch(/JWT_SECRET/);
    }
    const { JWT_SECRET: _omitted, ...withoutSecret } = PRODUCTION;
    expect(refusal(withoutSecret)).toMatch(/JWT_SECRET/);
  });

  it('loadConfig_production_acceptsAStrongSecretAndTurnsResponseValidationOff', () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({
      env: 'production',
      jwt: { secret: SECRET },
      validateResponses: false,
      testMode: false,
      hstsMaxAge: 31_536_000,
    });
  });

  it('loadConfig_production_refusesLongButLowEntropySecrets', () => {
    const weak = [
      'a'.repeat(40),
      'ab'.repeat(20),
      'abcdefgh'.repeat(5),
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'password'.repeat(4) + '12345678',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab',
      '0123456789abcdef0123456789abcdef', // 32 hex characters are 16 bytes of randomness at best
    ];
    for (const JWT_SECRET of weak) expect(refusal({ ...PRODUCTION, JWT_SECRET }), JWT_SECRET).toMatch(/JWT_SECRET/);
    // 32 bytes as openssl rand prints them (-base64 32, -hex 32) pass.
    for (const JWT_SECRET of ['q8Vw3Yb1Zr0Lk5Mx7Tn2Hs9Gd4Pc6Fa0Ej3Ru8Ow1Iy=', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']) {
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET }).jwt.secret).toBe(JWT_SECRET);
    }
  });

  it('loadConfig_noSecretOutsideProduction_isRandomPerStartAndFlagged', () => {
    const [a, b] = [loadConfig({}), loadConfig({})];
    expect(a.jwt.secret).not.toBe(b.jwt.secret);
    expect(a.jwt.generated).toBe(true);
    expect(loadConfig({ JWT_SECRET: SECRET }).jwt).toMatchObject({ secret: SECRET, generated: false });
  });

  it('loadConfig_shortSecretOutsideProduction_isRefused', () => {
    expect(refusal({ JWT_SECRET: 'short' })).toMatch(/JWT_SECRET/);
  });

  it('loadConfig_trustProxy_takesHopsOrProxyAddressesOnly', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.4,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.4', 'fd00::/8', 'loopback']);
    for (const TRUST_PROXY of ['true', 'TRUE', 'yes', 'on']) expect(refusal({ TRUST_PROXY })).toMatch(/TRUST_PROXY=.*X-Forwarded-For.*hops/);
    for (const TRUST_PROXY of ['10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1', '::1/129', '11']) expect(refusal({ TRUST_PROXY })).toMatch(/TRUST_PROXY/);
  });

  it('loadConfig_testModeInProduction_isRefused', () => {
    expect(refusal({ ...PRODUCTION, TEST_MODE: '1' })).toMatch(/TEST_MODE/);
  });

  it('loadConfig_testModeWithoutExplicitNodeEnvTest_isRefused', () => {
    for (const env of [{ TEST_MODE: '1' }, { TEST_MODE: 'true', NODE_ENV: '' }, { TEST_MODE: '1', NODE_ENV: 'development' }] as Record<string, string>[]) {
      expect(refusal(env)).toMatch(/TEST_MODE.*NODE_ENV=test/);
    }
    expect(loadConfig({ TEST_MODE: '1', NODE_ENV: 'test' }).testMode).toBe(true);
  });

  it('loadConfig_consoleSmsInProduction_isRefused', () => {
    expect(refusal({ ...PRODUCTION, SMS_PROVIDER: 'console' })).toMatch(/SMS_PROVIDER/);
  });

  it('loadConfig_twilioWithoutCredentials_isRefused', () => {
    expect(refusal({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' })).toMatch(/TWILIO_AUTH_TOKEN/);
  });

  it('loadConfig_twilioBaseUrl_mustBeHttpAndHttpsInProduction', () => {
    expect(refusal({ TWILIO_BASE_URL: 'api.twilio.com' })).toMatch(/TWILIO_BASE_URL/);
    expect(refusal({ TWILIO_BASE_URL: 'file:///etc/passwd' })).toMatch(/TWILIO_BASE_URL/);
    expect(refusal({ ...PRODUCTION, TWILIO_BASE_URL: 'http://twilio.internal' })).toMatch(/TWILIO_BASE_URL must use https/);
    expect(loadConfig({ TWILIO_BASE_URL: 'http://127.0.0.1:4010' }).sms.twilio.baseUrl).toBe('http://127.0.0.1:4010');
  });

  const badIntegers: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '0x1F90'],
    ['PORT', '8e3'],
    ['ACCESS_TOKEN_TTL', '59'],
    ['OTP_MAX_ATTEMPTS', '0'],
    ['USER_RATE_LIMIT_PER_MINUTE', 'many'],
    ['DEFAULT_DATA_QUOTA', '10GB'],
    ['MAX_CUSTOM_CONFIGS', '1000'],
  ];
  for (const [name, value] of badIntegers) {
    it(`loadConfig_badInteger_${name}=${value}_isRefusedNamingTheVariable`, () => {
      const message = refusal({ [name]: value });
      expect(message).toContain(name);
      expect(message).toContain(value);
    });
  }

  it('loadConfig_badEnumsAndBooleans_areRefusedNamingTheVariable', () => {
    expect(refusal({ NODE_ENV: 'staging' })).toMatch(/NODE_ENV/);
    expect(refusal({ LOG_LEVEL: 'verbose' })).toMatch(/LOG_LEVEL/);
    expect(refusal({ TEST_MODE: 'maybe' })).toMatch(/TEST_MODE/);
    expect(refusal({ DATABASE_URL: 'mysql://x' })).toMatch(/DATABASE_URL/);
    expect(refusal({ BODY_LIMIT: '1gb' })).toMatch(/BODY_LIMIT/);
  });

  it('loadConfig_result_isDeeplyFrozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwt)).toBe(true);
    expect(Object.isFrozen(config.sms.twilio)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.jwt as { secret: string }).secret = 'stolen';
    }).toThrow(TypeError);
  });
});
