import type { Handlers } from '../http/route.ts';
import { callerOf } from '../http/route.ts';
import type { UserService } from './user.service.ts';

type UserHandlers = Pick<Handlers, 'getProfile' | 'updateProfile' | 'changePassword' | 'listDevices' | 'revokeDevice' | 'deleteAccount'>;

export function userRoutes(users: UserService): UserHandlers {
  return {
    async getProfile(ctx) {
      return { status: 200, body: { success: true, user: await users.profile(callerOf(ctx)) } };
    },
    async updateProfile(ctx) {
      return { status: 200, body: { success: true, user: await users.updateProfile(callerOf(ctx), ctx.body) } };
    },
    async changePassword(ctx) {
      return { status: 200, body: await users.changePassword(callerOf(ctx), ctx.body, ctx.ip) };
    },
    async listDevices(ctx) {
      return { status: 200, body: { success: true, devices: await users.devices(callerOf(ctx)) } };
    },
    async revokeDevice(ctx) {
      await users.revokeDevice(callerOf(ctx), ctx.params.deviceId);
      return { status: 200, body: { success: true, message: 'Device signed out' } };
    },
    async deleteAccount(ctx) {
      await users.deleteAccount(callerOf(ctx), ctx.body, ctx.ip);
      return { status: 200, body: { success: true, message: 'Account deleted' } };
    },
  };
}
