import type { Handlers } from '../http/route.ts';
import { callerOf } from '../http/route.ts';
import type { UserService } from './user.service.ts';

type UserHandlers = Pick<Handlers, 'getProfile' | 'updateProfile' | 'listDevices'>;

export function userRoutes(users: UserService): UserHandlers {
  return {
    async getProfile(ctx) {
      return { status: 200, body: { success: true, user: await users.profile(callerOf(ctx)) } };
    },
    async updateProfile(ctx) {
      return { status: 200, body: { success: true, user: await users.updateProfile(callerOf(ctx), ctx.body) } };
    },
    async listDevices(ctx) {
      return { status: 200, body: { success: true, devices: await users.devices(callerOf(ctx)) } };
    },
  };
}
