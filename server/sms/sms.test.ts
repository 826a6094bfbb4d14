import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../db/testing.ts';
import { createLogger } from '../lib/logger.ts';
import { count, startHarness } from '../test/harness.ts';
import { codeIn, consoleSender, SmsDeliveryError, twilioSender, type SmsSender } from './sms.ts';

const PHONE = '+14155552671';
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token';
const FROM = '+15005550006';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** A stand-in for api.twilio.com: records each request and answers with `reply`. */
function fakeTwilio() {
  const seen: Seen[] = [];
  let reply: { status: number; body: string } = { status: 201, body: JSON.stringify({ sid: 'SM0123', status: 'queued' }) };
  let hang = false;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(raw)),
      });
      if (hang) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  return {
    seen,
    answer(status: number, body: unknown) {
      reply = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
    },
    hang: () => void (hang = true),
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('twilio adapter', () => {
  let fake: ReturnType<typeof fakeTwilio>;
  let sender: SmsSender;
  let url: string;
  beforeEach(async () => {
    fake = fakeTwilio();
    url = await fake.start();
    sender = twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: `${url}/` });
  });
  afterEach(async () => fake.close());

  it('twilioSender_send_postsTheMessagesFormWithBasicAuth', async () => {
    await sender.send(PHONE, 'Your BarqNet code is 123456.');
    expect(fake.seen).toHaveLength(1);
    const [request] = fake.seen;
    expect(request).toEqual({
      method: 'POST',
      url: `/2010-04-01/Accounts/${SID}/Messages.json`,
      authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`,
      contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/),
      form: { To: PHONE, From: FROM, Body: 'Your BarqNet code is 123456.' },
    });
  });

  it('twilioSender_messagingServiceFrom_isSentAsMessagingServiceSid', async () => {
    const service = 'MG0123456789abcdef0123456789abcdef';
    await twilioSender({ accountSid: SID, authToken: TOKEN, from: service, baseUrl: url }).send(PHONE, 'hello');
    expect(fake.seen[0]!.form).toEqual({ To: PHONE, MessagingServiceSid: service, Body: 'hello' });
  });

  it('twilioSender_twilioRefuses_throwsSmsDeliveryErrorWithTheCode', async () => {
    fake.answer(400, { code: 21211, message: "The 'To' number +1415 is not a valid phone number.", status: 400 });
    const error = await sender.send(PHONE, 'text').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect((error as Error).message).toContain('21211');
    expect((error as Error).message).toContain('400');
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('twilioSender_serverErrorWithoutJson_throwsSmsDeliveryError', async () => {
    fake.answer(503, '<html>Service Unavailable</html>');
    await expect(sender.send(PHONE, 'text')).rejects.toThrow(SmsDeliveryError);
    await expect(sender.send(PHONE, 'text')).rejects.toThrow(/503/);
  });

  it('twilioSender_noAnswer_failsAfterTheTimeoutAsSmsDeliveryError', async () => {
    fake.hang();
    const slow = twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: url, timeoutMs: 200 });
    const started = Date.now();
    await expect(slow.send(PHONE, 'text')).rejects.toThrow(SmsDeliveryError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('twilioSender_unreachableServer_throwsSmsDeliveryError', async () => {
    const nowhere = twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: 'http://127.0.0.1:1' });
    await expect(nowhere.send(PHONE, 'text')).rejects.toThrow(SmsDeliveryError);
  });
});

describe('console sender', () => {
  it('consoleSender_send_logsTheTextForDevelopment', async () => {
    const lines: string[] = [];
    await consoleSender(createLogger('info', (line) => lines.push(line))).send(PHONE, 'Your BarqNet code is 654321.');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'sms.console', to: PHONE, text: 'Your BarqNet code is 654321.' });
  });
});

for (const dialect of DIALECTS) {
  describe(`sendOtp when SMS delivery fails [${dialect}]`, () => {
    it('sendOtp_senderThrows_is503AndTheCodeIsNotUsable', async () => {
      const texts: string[] = [];
      const failing: SmsSender = {
        async send(_to, text) {
          texts.push(text);
          throw new SmsDeliveryError('Twilio answered 500');
        },
      };
      const h = await startHarness(dialect, {}, { sms: failing });
      try {
        const res = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ success: false, error: 'SERVICE_UNAVAILABLE', retryAfter: 30 });
        expect(res.headers.get('retry-after')).toBe('30');
        expect(await count(h.db, 'otp_codes')).toBe(0);
        const code = codeIn(texts[0]!);
        const verify = await h.request('POST', '/v1/auth/otp/verify', { body: { phoneNumber: PHONE, otp: code, sessionId: 'otp_AAAAAAAAAAAAAAAAAAAA' } });
        expect(verify.status).toBe(400);
        expect(verify.body.error).toBe('INVALID_OTP');
        expect(await count(h.db, 'verification_tokens')).toBe(0);
      } finally {
        await h.close();
      }
    });

    it('sendOtp_throughTheTwilioAdapter_deliversOrAnswers503', async () => {
      const fake = fakeTwilio();
      const h = await startHarness(dialect, {}, { sms: twilioSender({ accountSid: SID, authToken: TOKEN, from: FROM, baseUrl: await fake.start() }) });
      try {
        expect((await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } })).status).toBe(200);
        expect(fake.seen[0]!.form).toMatchObject({ To: PHONE, From: FROM });
        expect(codeIn(fake.seen[0]!.form.Body!)).toHaveLength(6);
        fake.answer(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient' });
        const refused = await h.request('POST', '/v1/auth/otp/send', { body: { phoneNumber: PHONE } });
        expect(refused.status).toBe(503);
        expect(refused.body.error).toBe('SERVICE_UNAVAILABLE');
        // the code that did arrive stays the one pending; the undelivered one is gone
        expect(await count(h.db, 'otp_codes')).toBe(1);
        expect(await count(h.db, 'otp_codes', 'consumed_at IS NULL')).toBe(1);
      } finally {
        await h.close();
        await fake.close();
      }
    });
  });
}
