// A small JSON client over node:http. `localAddress` binds the client to another loopback
// address (127.0.0.2, 127.0.1.7 ...), so one process can act as many clients with their own
// IPs and the server's per-IP limits stay at their real values.
import { Agent, request as httpRequest } from 'node:http';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface Client {
  readonly base: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  /** The same client (agent, address) pointed at another server. */
  withBase(base: string): Client;
  close(): void;
}

export function client(base: string, options: { localAddress?: string; maxSockets?: number } = {}): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  const make = (root: string): Client => ({
    base: root,
    request(method, path, opts = {}) {
      const url = new URL(path, root);
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          url,
          { method, headers, agent, timeout: opts.timeoutMs ?? 30_000, ...(options.localAddress ? { localAddress: options.localAddress } : {}) },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const json = /\bjson\b/.test(String(res.headers['content-type'] ?? ''));
              let body: unknown = text || undefined;
              if (json && text) {
                try {
                  body = JSON.parse(text);
                } catch {
                  body = text;
                }
              }
              resolve({ status: res.statusCode ?? 0, body: body as never, headers: res.headers, ms: performance.now() - started });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    withBase: (other) => make(other),
    close: () => agent.destroy(),
  });
  return make(base);
}
