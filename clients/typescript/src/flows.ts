import { AuthError, OtpError, ValidationError } from './errors.ts';
import type { DeviceInfo } from './generated/types.ts';
import type { CallOptions, Operations } from './operations.ts';
import type { Session } from './session.ts';

/** What the app knows when it asks the user for the SMS code. */
export interface OtpPrompt {
  phoneNumber: string;
  sessionId: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
  /** 1 for the first ask; higher after a wrong code. */
  attempt: number;
  /** The previous wrong-code error (with `attemptsRemaining`), when this is a second ask. */
  error?: OtpError;
}

export type AskOtp = (prompt: OtpPrompt) => string | Promise<string>;

export interface DeviceFields {
  deviceId?: string;
  deviceInfo?: DeviceInfo;
}

export interface OtpFlowInput extends DeviceFields {
  phoneNumber: string;
  /** ISO 3166-1 alpha-2 country, when known. */
  countryCode?: string;
  askOtp: AskOtp;
}

/** Asked after the code was verified; asked again (with the refusal) when the server refuses the password. */
export type AskPassword = (refused?: ValidationError) => string | Promise<string>;

export interface RegisterInput extends OtpFlowInput {
  /** The password, or a function asked after the code was verified. */
  password: string | AskPassword;
}

export interface PasswordLoginInput extends DeviceFields {
  phoneNumber: string;
  password: string;
}

const MAX_OTP_ASKS = 3; // the contract allows 3 attempts per code
const MAX_PASSWORD_ASKS = 3;

/** A refusal of the password itself: the verification token is still unspent (auth.service.ts checks the password first). */
function refusesPassword(err: unknown): err is ValidationError {
  if (!(err instanceof ValidationError) || err instanceof OtpError) return false;
  return err.code === 'WEAK_PASSWORD' || (err.code === 'VALIDATION_ERROR' && err.details.length > 0 && err.details.every((d) => d.path === '/body/password'));
}

/**
 * The multi-step flows of the seeds as single calls. Each step is one operation, so an app with
 * its own screens can call the operations directly; these helpers suit CLIs, tests and simple UIs.
 */
export function createFlows(ops: Operations, session: Session) {
  /** Sends a code, asks for it, and runs `check`; asks again after a wrong code while attempts remain. */
  async function withOtp<T>(input: OtpFlowInput, check: (otp: string, sessionId: string) => Promise<T>, o?: CallOptions): Promise<T> {
    const { phoneNumber, countryCode } = input;
    const sent = await ops.auth.sendOtp(countryCode ? { phoneNumber, countryCode } : { phoneNumber }, o);
    let error: OtpError | undefined;
    for (let attempt = 1; ; attempt++) {
      const prompt: OtpPrompt = { phoneNumber, sessionId: sent.sessionId, expiresIn: sent.expiresIn, attempt };
      if (error) prompt.error = error;
      const otp = (await input.askOtp(prompt)).trim();
      try {
        return await check(otp, sent.sessionId);
      } catch (err) {
        const retryable = err instanceof OtpError && err.attemptsRemaining !== 0 && attempt < MAX_OTP_ASKS;
        if (!retryable) throw err;
        error = err;
      }
    }
  }

  function device(input: DeviceFields): DeviceFields {
    const fields: DeviceFields = {};
    if (input.deviceId !== undefined) fields.deviceId = input.deviceId;
    if (input.deviceInfo !== undefined) fields.deviceInfo = input.deviceInfo;
    return fields;
  }

  return {
    /** send code -> verify -> register with a password; stores the tokens. */
    async register(input: RegisterInput, o?: CallOptions) {
      const { phoneNumber } = input;
      const verified = await withOtp(input, (otp, sessionId) => ops.auth.verifyOtp({ phoneNumber, otp, sessionId }, o), o);
      const ask = input.password;
      // A refused password is asked again with the same verification token: no new code is needed.
      let refused: ValidationError | undefined;
      for (let attempt = 1; ; attempt++) {
        const password = typeof ask === 'function' ? await ask(refused) : ask;
        try {
          return await ops.auth.register({ phoneNumber, password, verificationToken: verified.verificationToken, ...device(input) }, o);
        } catch (err) {
          if (typeof ask !== 'function' || !refusesPassword(err) || attempt >= MAX_PASSWORD_ASKS) throw err;
          refused = err;
        }
      }
    },

    /** Phone number + password; stores the tokens. */
    loginWithPassword(input: PasswordLoginInput, o?: CallOptions) {
      return ops.auth.login({ phoneNumber: input.phoneNumber, password: input.password, ...device(input) }, o);
    },

    /** Passwordless: send code -> sign in (creates the account on first use); check `needsProfile`. */
    loginWithOtp(input: OtpFlowInput & { deviceId: string }, o?: CallOptions) {
      const { phoneNumber } = input;
      return withOtp(input, (otp, sessionId) => ops.auth.signInWithOtp({ phoneNumber, otp, sessionId, ...device(input), deviceId: input.deviceId }, o), o);
    },

    /**
     * Revokes the session on the server and always clears the local tokens. Throws (after
     * clearing) only when the server could not be told, e.g. offline: the refresh token then
     * stays valid on the server until it expires.
     */
    async logout(o?: CallOptions): Promise<void> {
      if (!(await session.tokens())) return;
      try {
        await ops.auth.logout(o);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err; // 401: the session was already gone
      } finally {
        if (await session.tokens()) await session.signOut('LOGOUT');
      }
    },
  };
}

export type Flows = ReturnType<typeof createFlows>;
