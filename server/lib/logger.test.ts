import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './logger.ts';

const SECRETS = {
  password: 'SecurePass123',
  currentPassword: 'OldPass123',
  newPassword: 'NewPass456',
  otp: '123456',
  testOtp: '654321',
  code: '111222',
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  refreshToken: 'rt_refresh-secret',
  verificationToken: 'vt_verification-secret',
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig',
  Authorization: 'Basic dXNlcjpwYXNz',
  cookie: 'sid=abc',
  jwtSecret: 'the-signing-key',
  'x-api-key': 'api-key-value',
  privateKey: '-----BEGIN PRIVATE KEY-----',
  credentials: 'user:pass-credential',
};

function capture(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  return { logger, lines, output: () => lines.join('') };
}

/** Wraps `value` in `depth` levels of objects and arrays. */
function nest(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = i % 2 ? [out] : { level: out };
  return out;
}

describe('logger redaction', () => {
  it('redact_secretFieldsAtTheTop_areReplaced', () => {
    const { logger, lines, output } = capture();
    logger.info('login', { ...SECRETS, phone: '+14155552671' });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    for (const key of Object.keys(SECRETS)) expect(entry[key], key).toBe('[REDACTED]');
    expect(entry.phone).toBe('+14155552671');
    for (const secret of Object.values(SECRETS)) expect(output()).not.toContain(secret);
  });

  it('redact_secretsNestedInObjectsAndArrays_areReplaced', () => {
    const { logger, output } = capture();
    logger.warn('request', {
      req: { headers: { authorization: SECRETS.authorization, 'x-request-id': 'r1' }, body: { phoneNumber: '+1', otp: SECRETS.otp } },
      list: [{ refreshToken: SECRETS.refreshToken }],
    });
    expect(output()).not.toContain(SECRETS.authorization);
    expect(output()).not.toContain(SECRETS.otp);
    expect(output()).not.toContain(SECRETS.refreshToken);
    expect(output()).toContain('r1');
  });

  for (const depth of [3, 6, 7, 12, 40]) {
    it(`redact_secretsAtDepth${depth}_neverReachTheOutput`, () => {
      const { logger, output } = capture();
      logger.error('deep', { payload: nest({ password: SECRETS.password, accessToken: SECRETS.accessToken }, depth) });
      expect(output()).not.toContain(SECRETS.password);
      expect(output()).not.toContain(SECRETS.accessToken);
    });
  }

  it('redact_circularValue_doesNotThrowOrLoop', () => {
    const loop: Record<string, unknown> = { name: 'loop', password: SECRETS.password };
    loop.self = loop;
    const { logger, output } = capture();
    expect(() => logger.info('circular', { loop })).not.toThrow();
    expect(output()).not.toContain(SECRETS.password);
    expect(output()).toContain('loop');
  });

  it('redact_errorsAndDates_areReadable', () => {
    const { logger, lines } = capture();
    logger.error('failed', { error: new TypeError('boom'), at: new Date(0) });
    expect(JSON.parse(lines[0]!)).toMatchObject({ error: { name: 'TypeError', message: 'boom' }, at: '1970-01-01T00:00:00.000Z' });
  });

  it('redact_sameObjectTwice_isNotMistakenForACycle', () => {
    const shared = { city: 'Dublin' };
    expect(redact({ a: shared, b: [shared] })).toEqual({ a: { city: 'Dublin' }, b: [{ city: 'Dublin' }] });
  });

  it('redact_doesNotChangeTheCallersObject', () => {
    const fields = { body: { password: SECRETS.password } };
    redact(fields);
    expect(fields.body.password).toBe(SECRETS.password);
  });

  it('redact_plainValues_passThrough', () => {
    expect(redact({ status: 200, ok: true, path: '/v1/x', none: null, list: [1, 'a'] })).toEqual({
      status: 200,
      ok: true,
      path: '/v1/x',
      none: null,
      list: [1, 'a'],
    });
  });

  it('logger_levelBelowTheMinimum_isNotWritten', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['w', 'e']);
    const silent = capture('silent');
    silent.logger.error('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('logger_line_isOneJsonObjectWithTimeLevelAndMessage', () => {
    const { logger, lines } = capture();
    logger.info('hello', { n: 1 });
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', msg: 'hello', n: 1 });
  });
});

describe('request line', () => {
  const line = { requestId: 'r-1', operationId: 'getLocations', method: 'GET', path: '/v1/vpn/locations', status: 200, ms: 0.25 };

  it('request_fields_oneJsonLineInPinosLayout', () => {
    const { logger, lines } = capture('info');
    logger.request({ ...line, traceId: '0af7651916cd43dd8448eb211c80319c' });
    logger.request({ ...line, operationId: undefined, status: 404 });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('}\n'))).toBe(true);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      msg: 'request',
      ...line,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(second).not.toHaveProperty('operationId');
    expect(second).toMatchObject({ status: 404 });
  });

  it('request_pathWithQuotesAndNewlines_cannotForgeALine', () => {
    // the attack: a path that closes the JSON string and starts a line of its own
    const path = '/v1/"},\n{"level":"error","msg":"forged"}\u2028\\';
    const { logger, lines } = capture('info');
    logger.request({ ...line, path });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.split('\n')).toHaveLength(2); // one line and its newline
    expect((JSON.parse(lines[0]!) as { path: string }).path).toBe(path);
  });

  it('request_levelAboveInfo_noLine', () => {
    const { logger, lines } = capture('warn');
    logger.request(line);
    expect(lines).toEqual([]);
  });
});
