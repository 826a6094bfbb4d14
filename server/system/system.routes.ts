import type { Deps } from '../context.ts';
import type { Handlers } from '../http/route.ts';
import { UnavailableError } from '../lib/errors.ts';

export function systemRoutes(deps: Pick<Deps, 'db' | 'config'>, startedAt: number, draining: () => boolean): Pick<Handlers, 'getHealth' | 'getReadiness'> {
  return {
    async getHealth() {
      return { status: 200, body: { success: true, status: 'ok', version: deps.config.version, uptime: (Date.now() - startedAt) / 1000 } };
    },
    async getReadiness() {
      if (draining()) throw new UnavailableError('The server is shutting down', 1);
      try {
        await deps.db.ping();
      } catch {
        throw new UnavailableError('The database is unreachable', 5);
      }
      return { status: 200, body: { success: true, status: 'ready', checks: { database: 'ok' } } };
    },
  };
}
