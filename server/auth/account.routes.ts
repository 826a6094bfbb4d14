import type { Handlers } from '../http/route.ts';
import { callerOf } from '../http/route.ts';
import type { AccountService } from './account.service.ts';

type AccountHandlers = Pick<Handlers, 'changePassword' | 'revokeDevice' | 'deleteAccount'>;

export function accountRoutes(accounts: AccountService): AccountHandlers {
  return {
    async changePassword(ctx) {
      return { status: 200, body: await accounts.changePassword(callerOf(ctx), ctx.body, ctx.ip) };
    },
    async revokeDevice(ctx) {
      await accounts.revokeDevice(callerOf(ctx), ctx.params.deviceId);
      return { status: 200, body: { success: true, message: 'Device signed out' } };
    },
    async deleteAccount(ctx) {
      await accounts.deleteAccount(callerOf(ctx), ctx.body, ctx.ip);
      return { status: 200, body: { success: true, message: 'Account deleted' } };
    },
  };
}
