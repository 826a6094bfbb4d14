// Sessions and their tokens: issue, rotate (exactly once per refresh token, with the grace
// window and family revocation of DESIGN §4), authenticate and revoke.
// @see RFC 9700 §4.14.2 (refresh token rotation and reuse detection)
import type { Caller, Deps } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { UnauthenticatedError } from '../lib/errors.ts';
import { newId, newSecret } from '../lib/ids.ts';
import { sha256 } from './secrets.ts';
import { createSessionCache, parseRevocation, type Revocation } from './session.cache.ts';
import * as store from './session.store.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
}

/** The NOTIFY channel revocations travel on between instances (PostgreSQL). */
const REVOKED = 'barqnet_session_revoked';
/** With revocation notices flowing, an entry only needs refreshing now and then. */
const NOTIFIED_TTL_MS = 60_000;

export function createSessionService(deps: Deps) {
  const { config, clock, jwt, secrets } = deps;
  const cache = createSessionCache({ maxEntries: config.sessionCache.maxEntries });
  const listening = deps.db.listen(REVOKED, {
    message: (payload) => cache.forget(parseRevocation(payload)),
    down: () => cache.trustFor(0),
    up: () => cache.trustFor(NOTIFIED_TTL_MS),
  });
  if (!listening) cache.trustFor(config.sessionCache.ttlMs);

  /** Revokes inside the caller's transaction; see session.cache.ts. */
  async function revoke(tx: Tx, where: Revocation, reason: string): Promise<void> {
    cache.forget(where);
    await store.revokeSessions(tx, where, reason, clock.now());
    await tx.notify(REVOKED, JSON.stringify(where));
    tx.afterCommit(() => cache.forget(where));
  }

  function pair(caller: { userId: string; sessionId: string }, refreshToken: string, now: number): TokenPair {
    return {
      accessToken: jwt.sign({ sub: caller.userId, sid: caller.sessionId }, now, config.accessTokenTtl),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: config.accessTokenTtl,
      refreshExpiresIn: config.refreshTokenTtl,
    };
  }

  /** Opens a session inside the caller's transaction. */
  async function start(tx: Tx, userId: string, deviceId: string | null): Promise<TokenPair> {
    const now = clock.now();
    const sessionId = newId('ses');
    const refreshToken = newSecret('rt');
    await store.insertSession(tx, { id: sessionId, userId, deviceId, now });
    await store.insertRefreshToken(tx, {
      hash: sha256(refreshToken),
      sessionId,
      userId,
      parentHash: null,
      now,
      expiresAt: now + config.refreshTokenTtl * 1000,
    });
    return pair({ userId, sessionId }, refreshToken, now);
  }

  async function rotate(presented: string): Promise<TokenPair> {
    const now = clock.now();
    const hash = sha256(presented);
    const successor = secrets.successorOf(presented);
    const rotated = await store.rotateRefreshToken(deps.db, { hash, successorHash: sha256(successor), now, expiresAt: now + config.refreshTokenTtl * 1000 });
    // Not claimable: why, in a transaction of its own. A token never becomes claimable again
    // (rotated_at and revoked_at are only ever set), so nothing can change the answer in between.
    const outcome = rotated
      ? { kind: 'rotated' as const, row: rotated }
      : await deps.db.transaction(async (tx) => {
          const row = await store.findRefreshToken(tx, hash);
          if (!row || row.revoked_at !== null) return { kind: 'invalid' as const };
          if (row.rotated_at === null) return { kind: 'expired' as const };
          const graceMs = config.refreshGraceSeconds * 1000;
          if (graceMs > 0 && now - row.rotated_at <= graceMs) {
            const next = await store.findRefreshToken(tx, sha256(successor));
            if (next && next.revoked_at === null) return { kind: 'grace_replay' as const, row };
            return { kind: 'invalid' as const };
          }
          await revoke(tx, { sessionId: row.session_id }, 'refresh_token_reuse');
          return { kind: 'reused' as const };
        });
    deps.metrics.refresh(outcome.kind);
    switch (outcome.kind) {
      case 'rotated':
      case 'grace_replay':
        return pair({ userId: outcome.row.user_id, sessionId: outcome.row.session_id }, successor, now);
      case 'expired':
        throw new UnauthenticatedError('TOKEN_EXPIRED', 'The refresh token has expired; sign in again');
      case 'reused':
        deps.logger.warn('auth.refresh_reuse', { hashPrefix: hash.slice(0, 8) });
        throw new UnauthenticatedError('TOKEN_REUSED', 'Refresh token reuse detected; the session was revoked');
      default:
        throw new UnauthenticatedError('INVALID_TOKEN', 'The refresh token is invalid or has been revoked');
    }
  }

  async function authenticate(accessToken: string): Promise<Caller> {
    const result = jwt.verify(accessToken, clock.now());
    if (!result.ok) {
      throw result.reason === 'expired'
        ? new UnauthenticatedError('TOKEN_EXPIRED', 'The access token has expired')
        : new UnauthenticatedError('INVALID_TOKEN', 'The access token is invalid or has been revoked');
    }
    const sessionId = result.claims.sid;
    let session = cache.get(sessionId);
    if (!session) {
      const generation = cache.generation();
      const row = await store.findLiveSession(deps.db, sessionId);
      if (row) {
        session = { userId: row.user_id, deviceId: row.device_id };
        cache.set(sessionId, session, generation);
      }
    }
    if (!session || session.userId !== result.claims.sub) {
      throw new UnauthenticatedError('INVALID_TOKEN', 'The access token is invalid or has been revoked');
    }
    return { userId: session.userId, sessionId, deviceId: session.deviceId };
  }

  return {
    start,
    rotate,
    authenticate,
    // a transaction of its own: the session, its tokens and the notice commit together
    logout: (caller: Caller) => deps.db.transaction((tx) => revoke(tx, { sessionId: caller.sessionId }, 'logout')),
    revokeDevice: (tx: Tx, deviceId: string) => revoke(tx, { deviceId }, 'device_revoked'),
    revokeAll: (tx: Tx, userId: string, reason: string) => revoke(tx, { userId }, reason),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
