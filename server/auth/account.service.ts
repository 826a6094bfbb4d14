// The account changes that need a fresh proof of identity or end sessions: password change,
// device sign-out and account deletion. Password hashes never happen inside a transaction.
import type { Caller, Deps } from '../context.ts';
import { InvalidCredentialsError, NotFoundError, ValidationError } from '../lib/errors.ts';
import { assertStrongPassword } from '../lib/passwords.ts';
import type { UserRow, UserService } from '../user/user.service.ts';
import type { AuthService } from './auth.service.ts';
import type { OtpService } from './otp.service.ts';
import type { SessionService } from './session.service.ts';

type Reauthentication = { currentPassword?: string | undefined; verificationToken?: string | undefined };

export function createAccountService(deps: Deps, users: UserService, auth: AuthService, sessions: SessionService, otp: OtpService) {
  const { db, hasher } = deps;

  /**
   * A fresh proof of identity for the operations an access token alone must not do: the current
   * password (counted like a sign-in attempt), or for an account without one a verification
   * token of its number, checked here and spent in the caller's transaction.
   */
  async function reauthenticate(user: UserRow, proof: Reauthentication, ip: string, why: string): Promise<void> {
    if (user.password_hash) {
      if (!proof.currentPassword) throw new ValidationError('currentPassword is required', '/body/currentPassword');
      await auth.claimPasswordAttempt(user.phone_number, ip);
      if (!(await hasher.verify(proof.currentPassword, user.password_hash, ip))) throw new InvalidCredentialsError('The current password is wrong');
      await auth.forgivePasswordAttempts(user.phone_number, ip);
    } else {
      if (!proof.verificationToken) throw new ValidationError(`verificationToken is required ${why}`, '/body/verificationToken');
      await otp.assertVerificationToken(proof.verificationToken, user.phone_number);
    }
  }

  return {
    async changePassword(caller: Caller, input: Reauthentication & { newPassword: string }, ip: string) {
      assertStrongPassword(input.newPassword, 8);
      const user = await users.load(caller);
      await reauthenticate(user, input, ip, 'to set a first password');
      const hash = await hasher.hash(input.newPassword, ip);
      const signedIn = await db.transaction(async (tx) => {
        if (!user.password_hash) await otp.useVerificationToken(tx, input.verificationToken!, user.phone_number);
        await users.setPassword(tx, user.id, hash);
        await sessions.revokeAll(tx, user.id, 'password_change');
        return auth.signIn(tx, user.id, {}, caller.deviceId);
      });
      return auth.result(user.id, signedIn);
    },

    async revokeDevice(caller: Caller, deviceId: string): Promise<void> {
      const removed = await db.transaction(async (tx) => {
        const device = await users.findDevice(tx, deviceId, caller.userId);
        if (!device) return false;
        await sessions.revokeDevice(tx, device.id);
        await users.removeDevice(tx, device.id, caller.userId);
        return true;
      });
      if (!removed) throw new NotFoundError('Device');
    },

    async deleteAccount(caller: Caller, proof: Reauthentication, ip: string): Promise<void> {
      const user = await users.load(caller);
      await reauthenticate(user, proof, ip, 'to delete an account without a password');
      await db.transaction(async (tx) => {
        if (!user.password_hash) await otp.useVerificationToken(tx, proof.verificationToken!, user.phone_number);
        await sessions.revokeAll(tx, caller.userId, 'account_deleted');
        await users.remove(tx, caller.userId);
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
