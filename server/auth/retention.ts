// The retention job: deletes one-time codes, verification tokens, login failures, revoked
// sessions and refresh tokens once no rule needs them, in bounded batches, off the request path
// (server/main.ts runs it every RETENTION_INTERVAL_SECONDS). A window never cuts into what a rule
// still reads: the OTP send limit's hour, the lockout window, the refresh grace window, and a
// rotated token's lifetime (its replay revokes the family).
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import * as store from './retention.store.ts';

/** Hour of the OTP send limit (otp.service.ts counts the codes created in it). */
const SEND_LIMIT_WINDOW_MS = 3_600_000;
/** Batches per kind and run: a backlog is worked off over several runs, never in one long burst. */
const MAX_BATCHES = 100;

export interface Pruned {
  otpCodes: number;
  verificationTokens: number;
  loginFailures: number;
  refreshTokens: number;
  sessions: number;
}

type Settings = Pick<Config, 'retention' | 'login' | 'refreshGraceSeconds'>;

/** Runs `step` batch after batch until one deletes less than a full batch; returns the rows deleted. */
async function drain(limit: number, step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const deleted = await step(limit);
    total += deleted;
    if (deleted < limit) break;
    await new Promise((resolve) => setImmediate(resolve)); // let requests in between batches
  }
  return total;
}

export async function pruneExpired(db: Db, clock: Clock, config: Settings): Promise<Pruned> {
  const now = clock.now();
  const { batchSize: n, codesSeconds, loginFailuresSeconds, sessionsSeconds } = config.retention;
  const codesBefore = now - codesSeconds * 1000;
  const failuresBefore = now - Math.max(loginFailuresSeconds, config.login.lockoutSeconds) * 1000;
  const sessionsBefore = now - sessionsSeconds * 1000;
  const graceBefore = now - config.refreshGraceSeconds * 1000;
  const otpCodes = await drain(n, (l) => store.deleteOtpCodes(db, codesBefore, now - SEND_LIMIT_WINDOW_MS, l));
  const verificationTokens = await drain(n, (l) => store.deleteVerificationTokens(db, codesBefore, l));
  const loginFailures = await drain(n, (l) => store.deleteLoginFailures(db, failuresBefore, l));
  const revokedTokens = await drain(n, (l) => store.deleteTokensOfRevokedSessions(db, sessionsBefore, l));
  const sessions = await drain(n, (l) => store.deleteRevokedSessions(db, sessionsBefore, l));
  const expiredTokens = await drain(n, (l) => store.deleteExpiredTokens(db, sessionsBefore, graceBefore, l));
  return { otpCodes, verificationTokens, loginFailures, refreshTokens: revokedTokens + expiredTokens, sessions };
}

/** Runs pruneExpired every RETENTION_INTERVAL_SECONDS (0 = never); a slow run is not overlapped. */
export function startRetention(db: Db, clock: Clock, config: Settings, logger: Logger): void {
  if (config.retention.intervalSeconds === 0) return;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pruneExpired(db, clock, config)
      .then((pruned) => {
        // counts only, under names the logger's secret filter (otp, token) lets through
        const rows = {
          sentCodes: pruned.otpCodes,
          numberProofs: pruned.verificationTokens,
          loginFailures: pruned.loginFailures,
          refreshRows: pruned.refreshTokens,
          sessions: pruned.sessions,
        };
        if (Object.values(rows).some((n) => n > 0)) logger.info('retention.pruned', rows);
      })
      .catch((error: unknown) => logger.warn('retention.failed', { error: (error as Error).message }))
      .finally(() => {
        running = false;
      });
  }, config.retention.intervalSeconds * 1000);
  timer.unref();
}
