// Profile, password, devices and account deletion. Role, subscription and usage are owned by
// the server: the contract refuses them in PATCH bodies, and the UPDATE below never names them.
import type { components } from '../../generated/types.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { SessionService } from '../auth/session.service.ts';
import type { OtpService } from '../auth/otp.service.ts';
import { findUserById, type UserRow } from '../auth/session.store.ts';
import type { Caller, Deps } from '../context.ts';
import { InvalidCredentialsError, NotFoundError, UnauthenticatedError, ValidationError } from '../lib/errors.ts';
import { lockKey } from '../lib/locks.ts';
import { assertStrongPassword } from '../lib/passwords.ts';
import { listDeviceViews, userView } from './user.view.ts';

type Schemas = components['schemas'];
type Reauthentication = { currentPassword?: string | undefined; verificationToken?: string | undefined };
type ProfilePatch = { name?: string; userType?: Schemas['UserType']; email?: string; preferences?: Schemas['Preferences']; clear?: ('name' | 'email')[] };

export function createUserService(deps: Deps, auth: AuthService, sessions: SessionService, otp: OtpService) {
  const { db, clock, hasher } = deps;

  async function load(caller: Caller): Promise<UserRow> {
    const user = await findUserById(db, caller.userId);
    if (!user) throw new UnauthenticatedError('INVALID_TOKEN', 'The account no longer exists');
    return user;
  }

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
    async profile(caller: Caller): Promise<Schemas['User']> {
      return userView(db, await load(caller), caller.deviceId);
    },

    async updateProfile(caller: Caller, input: ProfilePatch): Promise<Schemas['User']> {
      // `clear` stands for the `null` that generated clients cannot send (they drop nulls). It
      // applies first, then the fields sent: every request the contract allows has one meaning.
      const { clear = [], ...sent } = input;
      const patch: { [K in keyof typeof sent]: (typeof sent)[K] | null } = { ...Object.fromEntries(clear.map((field) => [field, null])), ...sent };
      const user = await load(caller);
      // Preferences are merged read-modify-write: under a per-user lock, two PATCHes setting
      // different keys both survive.
      await db.transaction(async (tx) => {
        await lockKey(tx, `user:${user.id}`);
        const current = await tx.one<{ preferences: string }>('SELECT preferences FROM users WHERE id = ?', [user.id]);
        const preferences = patch.preferences ? { ...(JSON.parse(current?.preferences ?? '{}') as object), ...patch.preferences } : undefined;
        await tx.run(
          `UPDATE users SET
             name = CASE WHEN ? = 1 THEN ? ELSE name END,
             user_type = COALESCE(?, user_type),
             email = CASE WHEN ? = 1 THEN ? ELSE email END,
             preferences = COALESCE(?, preferences),
             updated_at = ?
           WHERE id = ?`,
          [
            'name' in patch ? 1 : 0,
            patch.name ?? null,
            patch.userType ?? null,
            'email' in patch ? 1 : 0,
            patch.email?.toLowerCase() ?? null,
            preferences ? JSON.stringify(preferences) : null,
            clock.now(),
            user.id,
          ],
        );
      });
      return userView(db, (await findUserById(db, user.id))!, caller.deviceId);
    },

    async changePassword(caller: Caller, input: Reauthentication & { newPassword: string }, ip: string) {
      assertStrongPassword(input.newPassword, 8);
      const user = await load(caller);
      await reauthenticate(user, input, ip, 'to set a first password');
      const hash = await hasher.hash(input.newPassword, ip);
      const signedIn = await db.transaction(async (tx) => {
        if (!user.password_hash) await otp.useVerificationToken(tx, input.verificationToken!, user.phone_number);
        await tx.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, clock.now(), user.id]);
        await sessions.revokeAll(tx, user.id, 'password_change');
        return auth.signIn(tx, user.id, {}, caller.deviceId);
      });
      return auth.result(user.id, signedIn);
    },

    devices: (caller: Caller) => listDeviceViews(db, caller.userId, caller.deviceId),

    async revokeDevice(caller: Caller, deviceId: string): Promise<void> {
      const removed = await db.transaction(async (tx) => {
        const device = await tx.one<{ id: string }>('SELECT id FROM devices WHERE id = ? AND user_id = ?', [deviceId, caller.userId]);
        if (!device) return false;
        await sessions.revokeDevice(tx, device.id);
        await tx.run('DELETE FROM devices WHERE id = ? AND user_id = ?', [device.id, caller.userId]);
        return true;
      });
      if (!removed) throw new NotFoundError('Device');
    },

    async deleteAccount(caller: Caller, proof: Reauthentication, ip: string): Promise<void> {
      const user = await load(caller);
      await reauthenticate(user, proof, ip, 'to delete an account without a password');
      await db.transaction(async (tx) => {
        if (!user.password_hash) await otp.useVerificationToken(tx, proof.verificationToken!, user.phone_number);
        await sessions.revokeAll(tx, caller.userId, 'account_deleted');
        await tx.run('DELETE FROM users WHERE id = ?', [caller.userId]);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
