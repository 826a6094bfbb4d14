// One-time codes: 6 digits, stored as keyed hashes, single use, limited attempts, each bound to
// the sessionId its send returned, a sliding per-number send limit and a per-address limit.
import type { Deps } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { InvalidOtpError, InvalidVerificationTokenError, RateLimitedError, UnavailableError } from '../lib/errors.ts';
import { newId, newOtpCode, newSecret } from '../lib/ids.ts';
import { sha256 } from './secrets.ts';
import * as store from './otp.store.ts';

const HOUR = 3_600_000;

export function createOtpService(deps: Deps) {
  const { config, clock, db, secrets, metrics } = deps;

  async function send(phone: string, ip: string): Promise<{ sessionId: string; expiresIn: number }> {
    await deps.limiter.hit(`otp-ip:${ip}`, config.otp.sendsPerIpPerHour, 3600).catch((error: unknown) => {
      metrics.otpSend('rate_limited', phone);
      throw error;
    });
    const now = clock.now();
    const code = newOtpCode();
    const id = newId('otp');
    const retryAfter = await db.transaction(async (tx) => {
      await store.lockPhone(tx, phone);
      const recent = await store.sendsSince(tx, phone, now - HOUR);
      if (recent.length >= config.otp.sendsPerHour) {
        return Math.max(1, Math.ceil((recent[0]!.created_at + HOUR - now) / 1000));
      }
      await store.insertCode(tx, {
        id,
        phone_number: phone,
        code_hash: secrets.otpHash(phone, code),
        expires_at: now + config.otp.ttl * 1000,
        created_at: now,
        ip,
      });
      return 0;
    });
    if (retryAfter > 0) {
      metrics.otpSend('rate_limited', phone);
      metrics.rateLimited('otp-phone');
      throw new RateLimitedError(retryAfter, `Too many OTP requests. Please wait ${retryAfter} seconds.`);
    }
    try {
      await deps.sms.send(phone, `Your BarqNet code is ${code}. It expires in ${Math.round(config.otp.ttl / 60)} minutes.`);
    } catch (error) {
      metrics.otpSend('sms_failed', phone);
      deps.logger.error('sms.failed', { error: (error as Error).message });
      // A send that never reached the phone neither counts against the hourly limit nor stays usable.
      await store.deleteCode(db, id);
      throw new UnavailableError('The SMS could not be sent; retry shortly', 30);
    }
    // Earlier codes stay: each is bound to its own session, and a resend by someone who only
    // knows the number must not void the code its owner is typing.
    metrics.otpSend('sent', phone);
    return { sessionId: id, expiresIn: config.otp.ttl };
  }

  /**
   * Consumes the code of the caller's sendOtp session when it matches, and runs `then` in the
   * SAME transaction, so a failure in what the code pays for rolls the consumption back. The
   * sessionId is a secret of whoever asked for the code: only its holder spends the code's
   * attempts, and any other sessionId answers as a spent code would, whether or not the number
   * has one pending.
   */
  async function check<T>(phone: string, code: string, sessionId: string, then: (tx: Tx) => Promise<T>): Promise<T> {
    const now = clock.now();
    const max = config.otp.maxAttempts;
    const outcome = await db.transaction(async (tx): Promise<{ done: T } | { remaining: number }> => {
      await store.lockPhone(tx, phone);
      const otp = await store.pendingCodeOf(tx, sessionId, phone);
      if (!otp || otp.expires_at <= now || otp.attempts >= max) return { remaining: 0 };
      if (secrets.otpMatches(phone, code, otp.code_hash) && (await store.consumeCode(tx, otp.id, now)) === 1) {
        // the number is proven: codes other sessions asked for are moot
        await store.voidOtherCodes(tx, phone, otp.id, now);
        return { done: await then(tx) };
      }
      return { remaining: max - (await store.recordWrongAttempt(tx, otp.id, max, now)) };
    });
    metrics.otpCheck('done' in outcome);
    if (!('done' in outcome)) throw new InvalidOtpError(Math.max(0, outcome.remaining));
    return outcome.done;
  }

  async function issueVerificationToken(tx: Tx, phone: string): Promise<{ verificationToken: string; expiresIn: number }> {
    const token = newSecret('vt');
    await store.insertVerificationToken(tx, sha256(token), phone, clock.now(), config.otp.ttl * 1000);
    return { verificationToken: token, expiresIn: config.otp.ttl };
  }

  async function assertVerificationToken(token: string, phone: string): Promise<void> {
    if (!(await store.findUsableVerificationToken(db, sha256(token), phone, clock.now()))) throw new InvalidVerificationTokenError();
  }

  return {
    send,
    check,
    issueVerificationToken,
    assertVerificationToken,
    /** Inside the caller's transaction, so the token is spent only if the whole change commits. */
    useVerificationToken: async (tx: Tx, token: string, phone: string) => {
      if ((await store.useVerificationToken(tx, sha256(token), phone, clock.now())) !== 1) throw new InvalidVerificationTokenError();
    },
    pendingCode: async (phone: string) => {
      const otp = await store.latestPendingCode(db, phone);
      return otp && otp.expires_at > clock.now() && otp.attempts < config.otp.maxAttempts ? otp : undefined;
    },
  };
}

export type OtpService = ReturnType<typeof createOtpService>;
