// Test harness: the real app on port 0 over a fresh database of the given dialect, with a fake
// clock and an SMS outbox injected. Tests talk HTTP to it and read the database directly.
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import { createApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import type { Db, Dialect } from '../db/index.ts';
import { freshDb } from '../db/testing.ts';
import { fakeClock } from '../lib/clock.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { testOutbox, type SmsSender } from '../sms/sms.ts';
import { signUp, verifyPhone } from '../../test/support/flows.ts';
import { seedLocations } from '../vpn/vpn.service.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Harness {
  url: string;
  db: Db;
  clock: ReturnType<typeof fakeClock>;
  outbox: ReturnType<typeof testOutbox>;
  config: Config;
  /** The body is parsed when the answer is JSON, else it is the text. */
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string },
  ): Promise<Reply<T>>;
  /** The code in the last SMS sent to `phone`. */
  lastCode(phone: string): string;
  /** sendOtp; returns its sessionId and the code the SMS carried. */
  sendOtp(phone: string): Promise<{ sessionId: string; code: string }>;
  /** send -> verify; returns a fresh verification token of `phone`. */
  verificationToken(phone: string): Promise<string>;
  /** send -> verify -> register; returns the sign-in reply body. */
  register(phone: string, options?: { password?: string; deviceId?: string }): Promise<any>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Replaces the SMS outbox (e.g. a sender that fails); lastCode() then sees nothing. */
  sms?: SmsSender;
  /** Wraps the fresh database the app gets (e.g. to simulate an outage); h.db is the wrapper. */
  wrapDb?: (db: Db) => Db;
  /** The metrics the app counts into (a test scrapes them); a fresh registry when omitted. */
  metrics?: Metrics;
  /** Replaces the silent logger (a test reads the lines). */
  logger?: Logger;
  /** Turns tracing on with this tracer. */
  tracer?: Tracer;
}

export async function startHarness(dialect: Dialect, env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: 'test', TEST_MODE: '1', LOG_LEVEL: 'silent', ...env });
  const fresh = await freshDb(dialect);
  await seedLocations(fresh);
  const db = options.wrapDb ? options.wrapDb(fresh) : fresh;
  const clock = fakeClock(Date.now());
  const outbox = testOutbox();
  const app = createApp({
    config,
    db,
    clock,
    sms: options.sms ?? outbox,
    logger: options.logger ?? createLogger('silent'),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: Harness['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const json = /\bjson\b/.test(response.headers.get('content-type') ?? '');
    return { status: response.status, body: text && json ? JSON.parse(text) : text || undefined, headers: response.headers };
  };

  const lastCode = (phone: string) => outbox.latestCode(phone);

  const sendOtp: Harness['sendOtp'] = async (phone) => {
    const sent = await request('POST', '/v1/auth/otp/send', { body: { phoneNumber: phone } });
    if (sent.status !== 200) throw new Error(`sendOtp ${sent.status}: ${JSON.stringify(sent.body)}`);
    return { sessionId: sent.body.sessionId as string, code: lastCode(phone) };
  };

  const fromOutbox = async (phone: string) => {
    const { sessionId, code } = await sendOtp(phone);
    return { otp: code, sessionId };
  };
  const verificationToken: Harness['verificationToken'] = (phone) => verifyPhone({ request }, phone, fromOutbox);
  const register: Harness['register'] = (phone, options = {}) =>
    signUp(
      { request },
      phone,
      { password: options.password ?? 'SecurePass123', deviceId: options.deviceId ?? 'test-device-1', deviceInfo: { platform: 'android', name: 'Test phone' } },
      fromOutbox,
    );

  return {
    url,
    db,
    clock,
    outbox,
    config,
    request,
    lastCode,
    sendOtp,
    verificationToken,
    register,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fresh.close();
    },
  };
}

/** Counts rows of a table, for asserting that a refused request changed nothing. */
export async function count(db: Db, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const row = await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return row?.n ?? 0;
}
