// SMS delivery behind one interface: the console sender for development (the code appears in
// the log), an in-memory outbox for test mode, and Twilio's Messages API for production.
import type { Logger } from '../lib/logger.ts';

export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

export function consoleSender(logger: Logger): SmsSender {
  return {
    async send(to, text) {
      // The message is logged under `text` on purpose: in development this is how you read the code.
      logger.info('sms.console', { to, text });
    },
  };
}

/** The 6-digit code an SMS carries. Throws when it carries none: a caller must never guess one. */
export function codeIn(text: string): string {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (code === undefined) throw new Error(`the SMS carries no 6-digit code: ${JSON.stringify(text.slice(0, 80))}`);
  return code;
}

/** Keeps the last message per number so the test bypass can hand the real code to automated clients. */
export interface TestOutbox extends SmsSender {
  latest(to: string): string | undefined;
  /** The code in the last message to `to`; throws when none was sent or it carries none. */
  latestCode(to: string): string;
}

export function testOutbox(): TestOutbox {
  const messages = new Map<string, string>();
  return {
    async send(to, text) {
      messages.set(to, text);
    },
    latest: (to) => messages.get(to),
    latestCode(to) {
      const text = messages.get(to);
      if (text === undefined) throw new Error(`no SMS was sent to ${to} by this process`);
      return codeIn(text);
    },
  };
}

export class SmsDeliveryError extends Error {}

export function twilioSender(options: {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): SmsSender {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const auth = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  // TWILIO_FROM is a number or a Messaging Service (MG + 32 hex), which Twilio takes as MessagingServiceSid.
  const sender: Record<string, string> = /^MG[0-9a-f]{32}$/i.test(options.from) ? { MessagingServiceSid: options.from } : { From: options.from };
  return {
    async send(to, text) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: to, ...sender, Body: text }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        // One error type for callers, whether Twilio refused, timed out or could not be reached.
        const reason = (error as Error)?.name === 'TimeoutError' ? 'timed out' : `could not be reached (${(error as Error)?.message ?? 'network error'})`;
        throw new SmsDeliveryError(`Twilio ${reason}`, { cause: error });
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { code?: number; message?: string };
        throw new SmsDeliveryError(`Twilio answered ${response.status}${body.code ? ` (code ${body.code})` : ''}: ${body.message ?? 'no message'}`);
      }
    },
  };
}
