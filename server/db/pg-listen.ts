// PostgreSQL LISTEN over one dedicated connection per channel, reconnected with backoff. While
// the connection is down notifications are lost, so `down` tells the subscriber to stop trusting
// anything it cached, and `up` that notices flow again (after a fresh LISTEN).
// @see https://www.postgresql.org/docs/15/sql-notify.html (delivered at commit, in commit order)
import pg from 'pg';
import type { Listening, ListenHandlers } from './types.ts';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function listenPg(url: string, channel: string, handlers: ListenHandlers): Listening {
  if (!CHANNEL.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;

  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    handlers.down();
    c.end().catch(() => {});
    if (closed) return;
    timer = setTimeout(() => void connect(), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === channel) handlers.message(n.payload ?? '');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (client !== c) return;
      retryMs = 100;
      handlers.up();
    } catch {
      lost(c);
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
