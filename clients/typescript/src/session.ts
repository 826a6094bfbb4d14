import { AuthError, BarqnetError, ValidationError } from './errors.ts';
import type { Emitter } from './emitter.ts';
import type { ErrorCode } from './generated/types.ts';
import { jwtExpiresAt } from './jwt.ts';
import type { TokenStore, Tokens } from './token-store.ts';

/** Why the client is signed out: the server's code, or what the user did. */
export type SignOutReason = ErrorCode | 'LOGOUT' | 'ACCOUNT_DELETED';

export interface ClientEvents extends Record<string, unknown> {
  /** The session is gone (refresh refused, or logout): show the sign-in screen. Tokens are already cleared. */
  unauthenticated: { reason: SignOutReason; error?: BarqnetError };
  /** A new token pair was stored (sign-in or rotation). */
  tokens: Tokens;
}

/** The token fields of AuthResult and of the refresh answer. */
export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
}

export type RefreshCall = (refreshToken: string) => Promise<TokenGrant>;

/**
 * Owns the token store: proactive refresh before expiry, ONE refresh in flight shared by every
 * caller, the rotated refresh token saved every time, and sign-out on a refused refresh.
 */
export class Session {
  readonly #store: TokenStore;
  readonly #refreshCall: RefreshCall;
  readonly #events: Emitter<ClientEvents>;
  readonly #now: () => number;
  readonly #windowMs: number;
  #inflight: Promise<Tokens> | null = null;
  // bumped by every sign-in and sign-out, so a refresh that finishes late cannot resurrect a session
  #generation = 0;

  constructor(options: { store: TokenStore; refreshCall: RefreshCall; events: Emitter<ClientEvents>; now?: () => number; refreshWindowMs?: number }) {
    this.#store = options.store;
    this.#refreshCall = options.refreshCall;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#windowMs = options.refreshWindowMs ?? 5 * 60_000;
  }

  async tokens(): Promise<Tokens | null> {
    return (await this.#store.get()) ?? null;
  }

  /** Stores a fresh grant from a sign-in. */
  async signIn(grant: TokenGrant): Promise<Tokens> {
    this.#generation++;
    return this.#save(grant);
  }

  /** Clears the tokens and tells listeners why. */
  async signOut(reason: SignOutReason, error?: BarqnetError): Promise<void> {
    this.#generation++;
    await this.#store.clear();
    this.#events.emit('unauthenticated', error ? { reason, error } : { reason });
  }

  /** The access token to send now, refreshing first when it expires within the window. */
  async accessToken(): Promise<string | null> {
    if (this.#inflight) await this.#inflight.catch(() => {});
    const tokens = await this.tokens();
    if (!tokens) return null;
    const expiresAt = jwtExpiresAt(tokens.accessToken) ?? tokens.accessTokenExpiresAt;
    if (expiresAt === undefined || expiresAt - this.#now() > this.#windowMs) return tokens.accessToken;
    try {
      return (await this.refresh()).accessToken;
    } catch (err) {
      if (err instanceof AuthError) throw err; // signed out: sending the request would only earn a 401
      return tokens.accessToken; // offline or 5xx: the old token may still be valid for a few minutes
    }
  }

  /** After a 401 for `sentToken`: reuse a refresh that already happened or is under way, else start one. */
  async recover(sentToken: string | null): Promise<Tokens> {
    if (this.#inflight) return this.#inflight;
    const tokens = await this.tokens();
    if (tokens && tokens.accessToken !== sentToken) return tokens;
    return this.refresh();
  }

  /** Rotates the tokens; concurrent callers share one call. */
  refresh(): Promise<Tokens> {
    this.#inflight ??= this.#rotate().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #rotate(): Promise<Tokens> {
    const generation = this.#generation;
    const tokens = await this.tokens();
    if (!tokens) throw new AuthError(401, { error: 'UNAUTHORIZED', message: 'not signed in' });
    let grant: TokenGrant;
    try {
      grant = await this.#refreshCall(tokens.refreshToken);
    } catch (err) {
      // INVALID_TOKEN, TOKEN_EXPIRED, TOKEN_REUSED (or a malformed token): the session is over.
      // Network errors and 5xx are not: the user stays signed in and the next request tries again.
      if ((err instanceof AuthError || err instanceof ValidationError) && generation === this.#generation) {
        await this.signOut(err.code as ErrorCode, err);
      }
      throw err;
    }
    if (generation !== this.#generation) {
      throw new AuthError(401, { error: 'UNAUTHORIZED', message: 'signed out while the token was refreshed' });
    }
    return this.#save(grant);
  }

  async #save(grant: TokenGrant): Promise<Tokens> {
    const tokens: Tokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
    if (grant.expiresIn !== undefined) tokens.accessTokenExpiresAt = this.#now() + grant.expiresIn * 1000;
    await this.#store.set(tokens);
    this.#events.emit('tokens', tokens);
    return tokens;
  }
}
