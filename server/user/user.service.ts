// Accounts and their devices: the profile, its edits, and what the other resources need of an
// account (auth signs users in on these rows; vpn reads the quota). Role, subscription and usage
// are owned by the server: the contract refuses them in PATCH bodies, and the UPDATE never names them.
import type { components } from '../../generated/types.ts';
import type { Caller, Deps } from '../context.ts';
import type { Queryable, ScalarSubquery, Tx } from '../db/index.ts';
import { UnauthenticatedError } from '../lib/errors.ts';
import * as store from './user.store.ts';
import { deviceView, userView } from './user.view.ts';

type Schemas = components['schemas'];
type ProfilePatch = { name?: string; userType?: Schemas['UserType']; email?: string; preferences?: Schemas['Preferences']; clear?: ('name' | 'email')[] };
export type { DeviceInput, UserRow } from './user.store.ts';
export { QUOTA_OF_ACCOUNT } from './user.store.ts';
export { needsProfile } from './user.view.ts';

/** A token that outlived its account is refused. */
const accountGone = () => new UnauthenticatedError('INVALID_TOKEN', 'The account no longer exists');

/**
 * `usedData`: the bytes the account's VPN sessions used, a subquery of vpn/'s (NULL before any
 * session); handed in by the composition root, so user/ imports nothing of vpn/.
 */
export function createUserService(deps: Deps, usedData: ScalarSubquery) {
  const { db, clock } = deps;
  const withDevices = store.withDevicesSql(usedData);

  /**
   * The API's User (its devices, `currentDeviceId` marked, and the data used) and its row, in
   * one statement; a token that outlived its account is refused.
   */
  async function view(userId: string, currentDeviceId: string | null): Promise<{ user: Schemas['User']; row: store.UserRow }> {
    const found = await store.findUserWithDevices(db, withDevices, userId);
    if (!found) throw accountGone();
    const used = Math.min(Number(found.figure ?? 0), Number.MAX_SAFE_INTEGER);
    return {
      user: userView(
        found.user,
        found.devices.map((d) => deviceView(d, currentDeviceId)),
        used,
      ),
      row: found.user,
    };
  }

  /** The caller's account; a token that outlived its account is refused. */
  async function load(caller: Caller): Promise<store.UserRow> {
    const user = await store.findUserById(db, caller.userId);
    if (!user) throw accountGone();
    return user;
  }

  async function updateProfile(caller: Caller, input: ProfilePatch): Promise<Schemas['User']> {
    // `clear` stands for the `null` that generated clients cannot send (they drop nulls). It
    // applies first, then the fields sent: every request the contract allows has one meaning.
    const { clear = [], preferences, ...sent } = input;
    const change: store.ProfileChange = { ...Object.fromEntries(clear.map((field) => [field, null])), ...sent };
    if (typeof change.email === 'string') change.email = change.email.toLowerCase();
    const user = await load(caller);
    // Preferences are merged read-modify-write: under a per-user lock, two PATCHes setting
    // different keys both survive.
    await db.transaction(async (tx) => {
      await tx.lock(`user:${user.id}`);
      if (preferences) {
        const current = await store.preferencesOf(tx, user.id);
        change.preferences = JSON.stringify({ ...(JSON.parse(current?.preferences ?? '{}') as object), ...preferences });
      }
      await store.updateProfile(tx, user.id, change, clock.now());
    });
    return (await view(user.id, caller.deviceId)).user;
  }

  return {
    load,
    view,
    /** The caller's User, in one statement. */
    profile: async (caller: Caller): Promise<Schemas['User']> => (await view(caller.userId, caller.deviceId)).user,
    updateProfile,
    devices: async (caller: Caller) => (await store.listDevices(db, caller.userId)).map((d) => deviceView(d, caller.deviceId)),
    findByPhone: (db: Queryable, phone: string) => store.findUserByPhone(db, phone),
    create: (tx: Tx, user: { id: string; phone: string; passwordHash: string | null }) =>
      store.insertUser(tx, { ...user, dataQuota: deps.config.defaultDataQuota, now: clock.now() }),
    setPassword: (tx: Tx, id: string, hash: string) => store.setPasswordHash(tx, id, hash, clock.now()),
    remove: (tx: Tx, id: string) => store.deleteUser(tx, id),
    deviceForSignIn: (tx: Tx, id: string, userId: string, device: store.DeviceInput) => store.deviceForSignIn(tx, id, userId, device, clock.now()),
    touchDevice: (tx: Tx, id: string, userId: string) => store.touchDevice(tx, id, userId, clock.now()),
    findDevice: (tx: Tx, id: string, userId: string) => store.findDevice(tx, id, userId),
    removeDevice: (tx: Tx, id: string, userId: string) => store.deleteDevice(tx, id, userId),
  };
}

export type UserService = ReturnType<typeof createUserService>;
