import createClient, { type Client } from 'openapi-fetch';
import { authMiddleware } from './auth-middleware.ts';
import { Emitter } from './emitter.ts';
import { createFlows, type Flows } from './flows.ts';
import type { paths } from './generated/types.ts';
import { createOperations, unwrap, type Operations } from './operations.ts';
import { createRetryFetch, type FetchLike, type RetryOptions } from './retry-fetch.ts';
import { Session, type ClientEvents } from './session.ts';
import { MemoryTokenStore, type TokenStore } from './token-store.ts';

export interface BarqnetClientOptions {
  /** The API origin (default http://localhost:8080). */
  baseUrl?: string;
  /** Where the tokens live (default: memory). Use FileTokenStore from `@barqnet/client/node`, or your own. */
  tokenStore?: TokenStore;
  /** The transport (default globalThis.fetch); tests inject a handler. */
  fetch?: FetchLike;
  /** Backoff, Retry-After and timeout settings, including the injectable sleep and jitter. */
  retry?: RetryOptions;
  /** Refresh this long before the access token expires (default 5 minutes). */
  refreshWindowMs?: number;
  /** The clock for token expiry (default Date.now). */
  now?: () => number;
  /** Headers sent with every request (e.g. a User-Agent in Node, or Prism's `Prefer`). */
  headers?: Record<string, string>;
}

export interface BarqnetClient extends Operations, Flows {
  /** The typed openapi-fetch client (`api.GET('/v1/vpn/locations')`), with auth and retries applied. */
  readonly api: Client<paths>;
  /** The token session: read, store, refresh (single-flight), sign out. */
  readonly session: Session;
  /** `unauthenticated` when the session ends; `tokens` when a pair is stored. Returns an unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void;
}

/**
 * Builds the client. Layers, outermost first: operation methods and flows -> openapi-fetch
 * with the auth middleware -> retrying fetch (timeouts, backoff) -> the platform fetch.
 */
export function createBarqnetClient(options: BarqnetClientOptions = {}): BarqnetClient {
  const baseUrl = options.baseUrl ?? 'http://localhost:8080';
  // read globalThis.fetch at call time so polyfills and test stubs installed later still apply
  const transport: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const retryFetch = createRetryFetch(transport, options.retry);
  const events = new Emitter<ClientEvents>();
  const headers = options.headers ?? {};

  // The refresh call must not pass through the auth middleware (it would recurse on its own 401).
  // It may be retried: the server answers a replay within its grace window with the same successor.
  const bare = createClient<paths>({ baseUrl, fetch: retryFetch, headers });
  const session = new Session({
    store: options.tokenStore ?? new MemoryTokenStore(),
    events,
    refreshCall: (refreshToken) => unwrap(bare.POST('/v1/auth/refresh', { body: { refreshToken }, idempotent: true })),
    ...(options.now ? { now: options.now } : {}),
    ...(options.refreshWindowMs !== undefined ? { refreshWindowMs: options.refreshWindowMs } : {}),
  });

  const api = createClient<paths>({ baseUrl, fetch: retryFetch, headers });
  api.use(authMiddleware(session, retryFetch));
  const operations = createOperations(api);

  return {
    api,
    session,
    ...operations,
    ...createFlows(operations, session),
    on: (event, listener) => events.on(event, listener),
  };
}
