// Account flows: registration, password sign-in with lockout, passwordless OTP sign-in and the
// test-mode bypass. Password hashes and SMS sends never happen inside a transaction.
import type { components } from '../../generated/types.ts';
import type { Deps } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { isUniqueViolation } from '../db/index.ts';
import { ConflictError, InvalidCredentialsError, NotFoundError, RateLimitedError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { SignInMethod } from '../lib/metrics.ts';
import { assertStrongPassword } from '../lib/passwords.ts';
import { needsProfile, type UserService } from '../user/user.service.ts';
import * as otpStore from './otp.store.ts';
import type { OtpService } from './otp.service.ts';
import type { SessionService, TokenPair } from './session.service.ts';

type Schemas = components['schemas'];
type AuthResult = Schemas['AuthResult'];
export interface DeviceClaim {
  deviceId?: string | undefined;
  deviceInfo?: Schemas['DeviceInfo'] | undefined;
}

export function createAuthService(deps: Deps, users: UserService, otp: OtpService, sessions: SessionService) {
  const { config, clock, db, hasher, metrics } = deps;

  /** Opens a session on a device row of its own (see deviceForSignIn), or on `reuseDeviceRowId`
   *  when that row of the user still exists (a password change re-issuing on the caller's device). */
  async function signIn(tx: Tx, userId: string, device: DeviceClaim, reuseDeviceRowId?: string | null): Promise<{ tokens: TokenPair; deviceRowId: string }> {
    const deviceRowId =
      reuseDeviceRowId && (await users.touchDevice(tx, reuseDeviceRowId, userId))
        ? reuseDeviceRowId
        : await users.deviceForSignIn(tx, newId('dev'), userId, { clientDeviceId: device.deviceId, ...device.deviceInfo });
    return { tokens: await sessions.start(tx, userId, deviceRowId), deviceRowId };
  }

  async function result(userId: string, signedIn: { tokens: TokenPair; deviceRowId: string }): Promise<AuthResult> {
    const { user, row } = await users.view(userId, signedIn.deviceRowId);
    return { success: true, user, ...signedIn.tokens, needsProfile: needsProfile(row) };
  }

  /** Counts the sign-in's outcome: success when `work` resolves, else failure (locked: lockout). */
  async function counted<T>(method: SignInMethod, work: () => Promise<T>): Promise<T> {
    try {
      const done = await work();
      metrics.signIn(method, 'success');
      return done;
    } catch (error) {
      metrics.signIn(method, error instanceof RateLimitedError ? 'locked' : 'failure');
      throw error;
    }
  }

  const register = (input: { phone: string; password: string; verificationToken: string; ip: string } & DeviceClaim) =>
    counted('register', () => registerNow(input));
  async function registerNow(input: { phone: string; password: string; verificationToken: string; ip: string } & DeviceClaim): Promise<AuthResult> {
    assertStrongPassword(input.password, 8);
    // Check the token before spending a hash on it; it is spent in the transaction below.
    await otp.assertVerificationToken(input.verificationToken, input.phone);
    if (await users.findByPhone(db, input.phone)) throw new ConflictError('ACCOUNT_EXISTS', 'This phone number is already registered');
    const passwordHash = await hasher.hash(input.password, input.ip);
    const userId = newId('usr');
    try {
      const signedIn = await db.transaction(async (tx) => {
        await otp.useVerificationToken(tx, input.verificationToken, input.phone);
        await users.create(tx, { id: userId, phone: input.phone, passwordHash });
        return signIn(tx, userId, input);
      });
      return await result(userId, signedIn);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('ACCOUNT_EXISTS', 'This phone number is already registered');
      throw error;
    }
  }

  /**
   * Counts a password attempt as a failure BEFORE the hash (forgiven on success), under the
   * address's and the number's locks, so concurrent guesses cannot all pass the check while
   * their hashes run. Locked per (number, address), so a stranger cannot lock the owner out,
   * and per address over all numbers, against spraying one password over many numbers.
   * Shared by sign-in and password change: both let a caller test a password.
   */
  async function claimPasswordAttempt(phone: string, ip: string): Promise<void> {
    const now = clock.now();
    const windowMs = config.login.lockoutSeconds * 1000;
    const wait = (failures: { created_at: number }[], max: number) =>
      failures.length < max ? 0 : Math.max(1, Math.ceil((failures[failures.length - max]!.created_at + windowMs - now) / 1000));
    const retryAfter = await db.transaction(async (tx) => {
      await otpStore.lockAddress(tx, ip);
      await otpStore.lockPhone(tx, phone);
      const { pair, address } = await otpStore.loginFailuresSince(tx, phone, ip, now - windowMs);
      const retry = Math.max(wait(pair, config.login.maxFailures), wait(address, config.login.maxFailuresPerAddress));
      if (retry === 0) await otpStore.insertLoginFailure(tx, newId('lf'), phone, ip, now);
      return retry;
    });
    if (retryAfter > 0) {
      metrics.lockout();
      metrics.rateLimited('login');
      throw new RateLimitedError(retryAfter, `Too many failed password attempts. Please wait ${retryAfter} seconds.`);
    }
  }

  const login = (input: { phone: string; password: string; ip: string } & DeviceClaim) => counted('password', () => loginNow(input));
  async function loginNow(input: { phone: string; password: string; ip: string } & DeviceClaim): Promise<AuthResult> {
    await claimPasswordAttempt(input.phone, input.ip);
    const user = await users.findByPhone(db, input.phone);
    // Unknown numbers cost a hash too, so the answer time does not tell which numbers have accounts.
    const ok = user?.password_hash
      ? await hasher.verify(input.password, user.password_hash, input.ip)
      : (await hasher.dummyVerify(input.password, input.ip), false);
    if (!ok || !user) throw new InvalidCredentialsError();
    await otpStore.clearLoginFailures(db, input.phone, input.ip);
    return result(user.id, await db.transaction((tx) => signIn(tx, user.id, input)));
  }

  async function findOrCreateUser(tx: Tx, phone: string): Promise<string> {
    const existing = await users.findByPhone(tx, phone);
    if (existing) return existing.id;
    const id = newId('usr');
    await users.create(tx, { id, phone, passwordHash: null });
    return id;
  }

  const signInWithOtp = (input: { phone: string; otp: string; sessionId: string } & DeviceClaim) => counted('otp', () => signInWithOtpNow(input));
  async function signInWithOtpNow(input: { phone: string; otp: string; sessionId: string } & DeviceClaim): Promise<AuthResult> {
    // The code is spent in the transaction that creates the account and the session, or not at all.
    const attempt = () =>
      otp.check(input.phone, input.otp, input.sessionId, async (tx) => {
        const userId = await findOrCreateUser(tx, input.phone);
        return { userId, signedIn: await signIn(tx, userId, input) };
      });
    // Two first sign-ins of one number racing: the loser retries and finds the winner's account.
    const done = await attempt().catch((error: unknown) => {
      if (isUniqueViolation(error)) return attempt();
      throw error;
    });
    return result(done.userId, done.signedIn);
  }

  async function testBypass(phone: string, ip: string) {
    if (!deps.outbox) throw new NotFoundError('Route');
    let pending = await otp.pendingCode(phone);
    if (!pending) {
      await otp.send(phone, ip);
      pending = await otp.pendingCode(phone);
    }
    // Throws (a 500) when this process's outbox has no code for the pending one, e.g. another
    // instance sent it: handing out a made-up code would fail later and far from the cause.
    const testOtp = deps.outbox.latestCode(phone);
    const user = await users.findByPhone(db, phone);
    const tokens = user ? (await db.transaction((tx) => signIn(tx, user.id, {}))).tokens : undefined;
    return {
      success: true as const,
      testOtp,
      sessionId: pending!.id,
      expiresIn: Math.max(1, Math.ceil((pending!.expires_at - clock.now()) / 1000)),
      accountExists: Boolean(user),
      ...(tokens ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } : {}),
    };
  }

  return {
    register,
    login,
    signInWithOtp,
    testBypass,
    signIn,
    result,
    claimPasswordAttempt,
    forgivePasswordAttempts: (phone: string, ip: string) => otpStore.clearLoginFailures(db, phone, ip),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
