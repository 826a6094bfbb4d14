import type { Handlers } from '../http/route.ts';
import { callerOf } from '../http/route.ts';
import type { VpnService } from './vpn.service.ts';

type VpnHandlers = Pick<
  Handlers,
  | 'getVpnConfig'
  | 'listCustomConfigs'
  | 'createCustomConfig'
  | 'deleteCustomConfig'
  | 'listLocations'
  | 'reportConnectionStatus'
  | 'getUsage'
  | 'reportTrafficStats'
>;

export function vpnRoutes(vpn: VpnService): VpnHandlers {
  return {
    async getVpnConfig(ctx) {
      return { status: 200, body: { success: true, config: await vpn.config(callerOf(ctx), ctx.query.locationId) } };
    },
    async listCustomConfigs(ctx) {
      return { status: 200, body: { success: true, configs: await vpn.listCustomConfigs(callerOf(ctx)) } };
    },
    async createCustomConfig(ctx) {
      const config = await vpn.createCustomConfig(callerOf(ctx), ctx.body.name, ctx.body.ovpnContent);
      return { status: 201, body: { success: true, message: 'Custom config saved', configId: config.id, config } };
    },
    async deleteCustomConfig(ctx) {
      await vpn.deleteCustomConfig(callerOf(ctx), ctx.params.configId);
      return { status: 200, body: { success: true, message: 'Custom config deleted' } };
    },
    async listLocations() {
      return { status: 200, body: { success: true, locations: await vpn.listLocations() } };
    },
    async reportConnectionStatus(ctx) {
      return { status: 200, body: { success: true, ...(await vpn.reportStatus(callerOf(ctx), ctx.body)) } };
    },
    async getUsage(ctx) {
      return { status: 200, body: { success: true, usage: await vpn.usage(callerOf(ctx)) } };
    },
    async reportTrafficStats(ctx) {
      return { status: 200, body: { success: true, usage: await vpn.reportStats(callerOf(ctx), ctx.body) } };
    },
  };
}
