// Live sessions remembered in the process, so an authenticated request needs no database read.
// A revoked session must still stop working on every instance within one second (DESIGN §4):
// - the revoking instance forgets it before the revoking transaction and again after its commit;
// - on PostgreSQL every instance LISTENs for the NOTIFY the revoking transaction sends (delivered
//   at commit) and forgets what it names; while that connection is down nothing is cached;
// - without such a channel (SQLite, where several processes may share one file) an entry is
//   trusted for SESSION_CACHE_MS (at most 1000) and then read again.
// A read that began before any forget does not enter the cache (the generation check), so a
// read racing a revocation cannot bring the revoked session back.

export interface CachedSession {
  userId: string;
  deviceId: string | null;
}

/** What a revocation names: one session, a device's sessions or all of a user's. */
export interface Revocation {
  sessionId?: string;
  deviceId?: string;
  userId?: string;
}

interface Entry extends CachedSession {
  expires: number;
}

export interface SessionCache {
  get(sessionId: string): CachedSession | undefined;
  /** The generation to hand back to `set` for a read that starts now. */
  generation(): number;
  set(sessionId: string, session: CachedSession, generation: number): void;
  forget(revocation: Revocation | 'all'): void;
  /** Trust entries for ttlMs from now on (0: cache nothing). */
  trustFor(ttlMs: number): void;
  readonly size: number;
}

export function createSessionCache(options: { maxEntries: number; now?: () => number }): SessionCache {
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  let ttlMs = 0;
  let generation = 0;

  const clear = () => {
    generation++;
    entries.clear();
  };

  return {
    get(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry) return undefined;
      if (entry.expires > now()) return entry;
      entries.delete(sessionId);
      return undefined;
    },
    generation: () => generation,
    set(sessionId, session, readGeneration) {
      if (ttlMs === 0 || options.maxEntries === 0 || readGeneration !== generation) return;
      // Map keeps insertion order: the first key is the oldest entry.
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(sessionId, { userId: session.userId, deviceId: session.deviceId, expires: now() + ttlMs });
    },
    forget(revocation) {
      if (revocation === 'all') return clear();
      generation++;
      if (revocation.sessionId !== undefined && revocation.deviceId === undefined && revocation.userId === undefined) {
        entries.delete(revocation.sessionId);
        return;
      }
      for (const [id, entry] of entries) {
        if (id === revocation.sessionId || entry.userId === revocation.userId || (revocation.deviceId !== undefined && entry.deviceId === revocation.deviceId))
          entries.delete(id);
      }
    },
    trustFor(ms) {
      ttlMs = ms;
      if (ms === 0) clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/** A notice's payload back into a revocation; anything else (a newer instance's format, a
 *  corrupt payload) forgets everything, which is always safe. */
export function parseRevocation(payload: string): Revocation | 'all' {
  try {
    const value = JSON.parse(payload) as Record<string, unknown>;
    const revocation: Revocation = {};
    for (const key of ['sessionId', 'deviceId', 'userId'] as const) {
      if (typeof value[key] === 'string') revocation[key] = value[key];
    }
    if (Object.keys(revocation).length > 0) return revocation;
  } catch {
    // fall through
  }
  return 'all';
}
