// Prometheus metrics, one registry per process made by the composition root (no module-level
// registry). The per-request metrics are counted in plain numbers (metrics.requests.ts); the
// other counters are pre-bound per label set and cached.
// @see https://prometheus.io/docs/practices/naming/
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { requestMetrics } from './metrics.requests.ts';

export type OtpSendOutcome = 'sent' | 'rate_limited' | 'sms_failed';
export type SignInMethod = 'password' | 'otp' | 'register';
export type SignInOutcome = 'success' | 'failure' | 'locked';
export type RefreshOutcome = 'rotated' | 'grace_replay' | 'reused' | 'invalid' | 'expired';

/** Readings taken at scrape time, so nothing is counted on the hot path. */
export interface Sources {
  hasher?: () => { running: number; waiting: number };
  pool?: () => { total: number; idle: number; waiting: number };
}

interface Bound {
  inc(): void;
}

export function createMetrics(options: { registry?: Registry; defaults?: boolean } = {}) {
  const registry = options.registry ?? new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'barqnet_' });
  const sources: Sources = {};
  const registers = [registry];

  const countRequest = requestMetrics(registry);
  const otpSends = new Counter({
    name: 'barqnet_otp_sends_total',
    help: "OTP send requests by outcome and the number's country calling code",
    labelNames: ['outcome', 'country'],
    registers,
  });
  const otpChecks = new Counter({
    name: 'barqnet_otp_verifications_total',
    help: 'OTP checks (verifyOtp, signInWithOtp) by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const signIns = new Counter({ name: 'barqnet_sign_ins_total', help: 'Sign-ins by method and outcome', labelNames: ['method', 'outcome'], registers });
  const lockouts = new Counter({
    name: 'barqnet_login_lockouts_total',
    help: 'Password attempts refused because the number or address is locked out',
    registers,
  });
  const refresh = new Counter({
    name: 'barqnet_refresh_rotations_total',
    help: 'Refresh token presentations by outcome (reused = reuse detected, session family revoked)',
    labelNames: ['outcome'],
    registers,
  });
  const hashWaits = new Counter({ name: 'barqnet_password_hash_waits_total', help: 'Password hashes that had to queue for a free slot', registers });
  const hashRefusals = new Counter({
    name: 'barqnet_password_hash_refusals_total',
    help: 'Password hashes refused because the queue was full (503)',
    registers,
  });
  new Gauge({
    name: 'barqnet_password_hash_queue',
    help: 'Password hashes running and waiting',
    labelNames: ['state'],
    registers,
    collect() {
      const s = sources.hasher?.();
      if (!s) return;
      this.set({ state: 'running' }, s.running);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  new Gauge({
    name: 'barqnet_db_pool_connections',
    help: 'PostgreSQL pool connections: in use, idle, and callers waiting for one',
    labelNames: ['state'],
    registers,
    collect() {
      const p = sources.pool?.();
      if (!p) return;
      this.set({ state: 'in_use' }, p.total - p.idle);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
  const queryErrors = new Counter({ name: 'barqnet_db_query_errors_total', help: 'Database statements that failed', registers });
  const batches = new Histogram({
    name: 'barqnet_db_sqlite_commit_batch_size',
    help: 'Statements (write) or transactions (transaction) sharing one SQLite group commit',
    labelNames: ['kind'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers,
  });
  const refusals = new Counter({
    name: 'barqnet_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'],
    registers,
  });

  const bound = <K extends string>(counter: Counter<K>) => {
    const cache = new Map<string, Bound>();
    return (labels: Record<K, string>, key: string): Bound => {
      let child = cache.get(key);
      if (!child) cache.set(key, (child = counter.labels(labels)));
      return child;
    };
  };
  const otpSend = bound(otpSends);
  const otpCheck = bound(otpChecks);
  const signIn = bound(signIns);
  const refreshOf = bound(refresh);
  const refusal = bound(refusals);
  const batchOf = { write: batches.labels({ kind: 'write' }), transaction: batches.labels({ kind: 'transaction' }) };

  return {
    /** False only for noMetrics(): the request path then skips the per-request timing. */
    enabled: true as boolean,
    registry,
    sources,
    /** One answered request; operation is the contract's operationId, or "none" off the contract. */
    request(operation: string | undefined, method: string, status: number, seconds: number): void {
      countRequest(operation ?? 'none', method, status, seconds);
    },
    otpSend(outcome: OtpSendOutcome, phone: string): void {
      const country = countryOf(phone);
      otpSend({ outcome, country }, `${outcome} ${country}`).inc();
    },
    otpCheck: (ok: boolean) => otpCheck({ outcome: ok ? 'success' : 'invalid' }, ok ? 's' : 'i').inc(),
    signIn: (method: SignInMethod, outcome: SignInOutcome) => signIn({ method, outcome }, `${method} ${outcome}`).inc(),
    lockout: () => lockouts.inc(),
    refresh: (outcome: RefreshOutcome) => refreshOf({ outcome }, outcome).inc(),
    hasher: { waited: () => hashWaits.inc(), refused: () => hashRefusals.inc() },
    db: { queryError: () => queryErrors.inc(), batch: (kind: 'write' | 'transaction', size: number) => batchOf[kind].observe(size) },
    /** `key` is `<limit>:<subject>`; only the limit's name, a constant of the code, becomes a label. */
    rateLimited(key: string): void {
      const cut = key.indexOf(':');
      const limit = cut < 0 ? key : key.slice(0, cut);
      refusal({ limit }, limit).inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Metrics switched off (METRICS_PORT unset): the same calls doing nothing, an empty registry,
 * no default process collectors (event-loop monitor, GC observer).
 */
export function noMetrics(): Metrics {
  const none = () => {};
  return {
    enabled: false,
    registry: new Registry(),
    sources: {},
    request: none,
    otpSend: none,
    otpCheck: none,
    signIn: none,
    lockout: none,
    refresh: none,
    hasher: { waited: none, refused: none },
    db: { queryError: none, batch: none },
    rateLimited: none,
  };
}

/**
 * The process's metrics for its settings, decided here once: counted only when METRICS_PORT
 * gives them a listener to be scraped from (docs/operations.md); `defaults` adds Node's own.
 */
export function metricsFor(config: { metrics: { port: number | undefined } }, defaults = true): Metrics {
  return config.metrics.port === undefined ? noMetrics() : createMetrics({ defaults });
}

/**
 * The E.164 country calling code ("44", "1"): at most a few hundred values, so a bounded label
 * that still shows a send spike towards one country (SMS pumping).
 */
export function countryOf(phone: string): string {
  return parsePhoneNumberFromString(phone)?.countryCallingCode ?? 'unknown';
}
