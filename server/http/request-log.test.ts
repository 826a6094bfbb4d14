// One request's story read from the log by its request id: the lines its services wrote while
// it ran carry its requestId and operationId (AsyncLocalStorage), and no other request's do.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { consoleSender, type SmsSender } from '../sms/sms.ts';
import { startHarness, type Harness } from '../test/harness.ts';

interface Line {
  msg: string;
  level: string;
  requestId?: string;
  operationId?: string;
  [key: string]: unknown;
}

describe('request-scoped logs', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  async function start(sms: (logger: ReturnType<typeof createLogger>) => SmsSender, env: Record<string, string> = {}) {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    h = await startHarness('sqlite', env, { logger, sms: sms(logger) });
    const all = () => lines.map((l) => JSON.parse(l) as Line);
    return { h, all, story: (id: string) => all().filter((l) => l.requestId === id) };
  }

  it('log_serviceLinesDuringARequest_carryItsRequestIdAndOperationId', async () => {
    const failing: SmsSender = { send: () => Promise.reject(new Error('provider down')) };
    const { h, story } = await start(() => failing);
    const send = (id: string, phoneNumber: string) => h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber }, headers: { 'x-request-id': id } });
    const [a, b] = await Promise.all([send('req-a-1', '+14155552671'), send('req-b-2', '+14155552672')]);
    expect([a.status, b.status]).toEqual([503, 503]);
    await new Promise((resolve) => setImmediate(resolve));

    const lines = story('req-a-1');
    expect(lines.map((l) => [l.msg, l.operationId])).toEqual([
      ['sms.failed', 'sendOtp'],
      ['request', 'sendOtp'],
    ]);
    expect(lines[0]).toMatchObject({ level: 'error', error: 'provider down' });
    expect(lines[1]).toMatchObject({ status: 503, method: 'POST', path: '/v1/auth/otp/send' });
    expect(story('req-b-2').map((l) => l.msg)).toEqual(['sms.failed', 'request']);
  });

  it('log_consoleSmsDuringARequest_isInThatRequestsStory', async () => {
    const { h, story } = await start((logger) => consoleSender(logger));
    await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+14155552671' }, headers: { 'x-request-id': 'req-sms-3' } });
    await new Promise((resolve) => setImmediate(resolve));
    const lines = story('req-sms-3');
    expect(lines.map((l) => l.msg)).toEqual(['sms.console', 'request']);
    expect(lines[0]).toMatchObject({ operationId: 'sendOtp', to: '+14155552671' });
  });

  it('log_logRequestsOff_noRequestLineAndServiceLinesWithoutTheScope', async () => {
    const failing: SmsSender = { send: () => Promise.reject(new Error('provider down')) };
    const { h, all } = await start(() => failing, { LOG_REQUESTS: '0' });
    const sent = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: '+14155552671' }, headers: { 'x-request-id': 'req-off-4' } });
    expect([sent.status, sent.headers.get('x-request-id')]).toEqual([503, 'req-off-4']);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = all();
    expect(lines.map((l) => l.msg)).toEqual(['sms.failed']);
    expect(lines[0]).not.toHaveProperty('requestId');
    expect(lines[0]).not.toHaveProperty('operationId');
  });

  it('log_afterTheResponse_theScopeKeepsNoRequestAlive', async () => {
    // Async work a request starts (its keep-alive connection's timer, say) keeps the request's log
    // scope alive after the response: a scope holding the request kept each request's objects
    // alive until the connection's next request, past young-generation collections.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { h } = await start((logger) => consoleSender(logger));
    const requests: WeakRef<object>[] = [];
    const started = ({ request }: { request: object }) => requests.push(new WeakRef(request));
    subscribe('http.server.request.start', started as (message: unknown) => void);
    try {
      // on one keep-alive connection, which stays open while the objects are counted
      for (let i = 0; i < 3; i++) expect((await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: `+1415555267${i}` } })).status).toBe(200);
    } finally {
      unsubscribe('http.server.request.start', started as (message: unknown) => void);
    }
    expect(requests).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(requests.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });

  it('log_linesOutsideAnyRequest_haveNoRequestId', async () => {
    const lines: string[] = [];
    createLogger('info', (line) => lines.push(line)).info('listening', { url: 'http://127.0.0.1:1' });
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('requestId');
  });
});
