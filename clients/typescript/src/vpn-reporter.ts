import { ApiError, AuthError, BarqnetError, RateLimitError, ServerError } from './errors.ts';
import type { ConnectionStatus, LocationId, Platform } from './generated/types.ts';
import type { JsonBody, Operations } from './operations.ts';

/** Cumulative totals of the current tunnel (e.g. OpenVPN's `bytecount`), never increments. */
export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
}

type StatusBody = JsonBody<'reportConnectionStatus'>;
type StatsBody = JsonBody<'reportTrafficStats'>;

/** One VPN connection as the reporter tracks it; plain JSON so an app can persist it. */
export interface ReportedSession {
  /** The server's id once the opening report got through. */
  sessionId?: string;
  /** Epoch ms the tunnel came up (duration counts from here). */
  connectedAt: number;
  /** Set by the first CONNECTED, so a repeated CONNECTED does not restart the duration. */
  connected?: boolean;
  /** Status reports not yet delivered, oldest first; the first opens the session when there is no id. */
  statuses: StatusBody[];
  /** The newest undelivered totals; a newer snapshot replaces an older one (they are cumulative). */
  stats?: Omit<StatsBody, 'sessionId'>;
  closed: boolean;
}

export interface VpnReporterOptions {
  vpn: Pick<Operations['vpn'], 'reportConnectionStatus' | 'reportTrafficStats'>;
  /** Reads the tunnel's cumulative counters; called every interval and on disconnect. */
  readCounters: () => TrafficCounters | Promise<TrafficCounters>;
  /** Stats interval (default 5 minutes, as the contract asks). */
  intervalMs?: number;
  /** Delay before re-sending after a failed flush while offline (default 60 s). */
  retryDelayMs?: number;
  platform?: Platform;
  appVersion?: string;
  now?: () => number;
  /** Sessions restored from `persist` after an app restart. */
  initialState?: ReportedSession[];
  /** Called with the queue after every change, to survive restarts (electron-store, a file ...). */
  persist?: (state: ReportedSession[]) => void | Promise<void>;
  /** Reports the server refused for good (dropped) and counter read failures. */
  onError?: (error: unknown) => void;
}

const isClosing = (s: StatusBody) => s.status === 'DISCONNECTED' || s.status === 'ERROR';

/** Transient failures keep the report queued; anything else will never succeed and is dropped. */
function isTransient(err: unknown): boolean {
  return !(err instanceof ApiError) || err instanceof ServerError || err instanceof RateLimitError || err instanceof AuthError;
}

/**
 * The VPN session loop of the desktop seed: status on connect and disconnect, cumulative stats
 * every 5 minutes and once more on disconnect. Reports wait in a queue while offline and go out
 * in order on the next flush. Because stats are cumulative and the server keeps the maximum, a
 * repeated or late report is never double-counted; the queue keeps only the newest snapshot.
 */
export class VpnReporter {
  readonly #o: VpnReporterOptions;
  readonly #now: () => number;
  #sessions: ReportedSession[];
  #ticker: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: VpnReporterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#sessions = structuredClone(options.initialState ?? []);
  }

  /** The undelivered reports (a copy). */
  get pending(): ReportedSession[] {
    return structuredClone(this.#sessions);
  }

  /** The server's id of the current VPN session, once known. */
  get sessionId(): string | undefined {
    return this.#current()?.sessionId;
  }

  /** CONNECTING or CONNECTED: opens a session (or updates the open one) and starts the stats timer on CONNECTED. */
  async report(status: 'CONNECTING' | 'CONNECTED', details: { locationId?: LocationId; localIp?: string; serverIp?: string } = {}): Promise<void> {
    let session = this.#current();
    if (!session) {
      session = { connectedAt: this.#now(), statuses: [], closed: false };
      this.#sessions.push(session);
    }
    if (status === 'CONNECTED') {
      if (!session.connected) session.connectedAt = this.#now();
      session.connected = true;
      this.#startTicker();
    }
    session.statuses.push(this.#statusBody(status, details, session.connectedAt));
    await this.#changed();
    return this.flush();
  }

  /** DISCONNECTED or ERROR: final stats, then the closing status; stops the timer. */
  async disconnect(status: 'DISCONNECTED' | 'ERROR' = 'DISCONNECTED', finalCounters?: TrafficCounters): Promise<void> {
    this.#stopTicker();
    const session = this.#current();
    if (!session) return;
    await this.#snapshot(session, finalCounters);
    session.statuses.push({ status });
    session.closed = true;
    await this.#changed();
    return this.flush();
  }

  /** Reads the counters now and queues them (the timer calls this every interval). */
  async tick(): Promise<void> {
    const session = this.#current();
    if (!session) return;
    await this.#snapshot(session);
    await this.#changed();
    return this.flush();
  }

  /** Sends what is queued, in order; call it when the app comes back online. Never throws. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#drain());
    return this.#flushing;
  }

  /** Stops the timers; the queue stays (see `pending` / `persist`). */
  dispose(): void {
    this.#stopTicker();
    clearTimeout(this.#retry);
  }

  #current(): ReportedSession | undefined {
    const last = this.#sessions.at(-1);
    return last && !last.closed ? last : undefined;
  }

  #statusBody(status: ConnectionStatus, details: { locationId?: LocationId; localIp?: string; serverIp?: string }, connectedAt: number): StatusBody {
    const body: StatusBody = { status, ...details, connectedAt: new Date(connectedAt).toISOString() };
    if (this.#o.platform) body.platform = this.#o.platform;
    if (this.#o.appVersion) body.appVersion = this.#o.appVersion;
    return body;
  }

  async #snapshot(session: ReportedSession, counters?: TrafficCounters): Promise<void> {
    try {
      const { bytesIn, bytesOut } = counters ?? (await this.#o.readCounters());
      const now = this.#now();
      session.stats = { bytesIn, bytesOut, duration: Math.max(0, Math.floor((now - session.connectedAt) / 1000)), timestamp: new Date(now).toISOString() };
    } catch (err) {
      this.#o.onError?.(err);
    }
  }

  async #drain(): Promise<void> {
    clearTimeout(this.#retry);
    try {
      while (this.#sessions.length > 0) {
        const session = this.#sessions[0]!;
        await this.#send(session);
        if (!session.closed || session.statuses.length > 0 || session.stats) break; // the open session keeps its slot
        this.#sessions.shift();
        await this.#changed();
      }
    } catch (err) {
      if (!(err instanceof AuthError)) this.#retry = setTimeout(() => void this.flush(), this.#o.retryDelayMs ?? 60_000);
    }
  }

  /** Delivers one session's queue: opening status, updates, the newest stats, then the closing status. */
  async #send(session: ReportedSession): Promise<void> {
    if (!session.sessionId && session.statuses.length > 0) {
      const opened = await this.#attempt(() => this.#o.vpn.reportConnectionStatus(session.statuses[0]!));
      if (opened === 'dropped') {
        // without an id nothing else of this session can be reported
        session.statuses = [];
        delete session.stats;
        session.closed = true;
        return;
      }
      session.sessionId = opened.sessionId;
      session.statuses.shift();
      await this.#changed();
    }
    const sessionId = session.sessionId;
    if (!sessionId) return;
    await this.#sendStatuses(session, sessionId, (s) => !isClosing(s));
    if (session.stats) {
      const stats = session.stats;
      await this.#attempt(() => this.#o.vpn.reportTrafficStats({ sessionId, ...stats }));
      if (session.stats === stats) delete session.stats; // unless a newer snapshot arrived meanwhile
      await this.#changed();
    }
    await this.#sendStatuses(session, sessionId, () => true);
  }

  async #sendStatuses(session: ReportedSession, sessionId: string, which: (s: StatusBody) => boolean): Promise<void> {
    while (session.statuses.length > 0 && which(session.statuses[0]!)) {
      await this.#attempt(() => this.#o.vpn.reportConnectionStatus({ ...session.statuses[0]!, sessionId }));
      session.statuses.shift();
      await this.#changed();
    }
  }

  /** Runs one report; rethrows transient failures (stop, keep queued), turns permanent ones into 'dropped'. */
  async #attempt<T>(send: () => Promise<T>): Promise<T | 'dropped'> {
    try {
      return await send();
    } catch (err) {
      if (isTransient(err) || !(err instanceof BarqnetError)) throw err;
      this.#o.onError?.(err);
      return 'dropped';
    }
  }

  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    this.#ticker = setInterval(() => void this.tick(), this.#o.intervalMs ?? 5 * 60_000);
  }

  #stopTicker(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  async #changed(): Promise<void> {
    try {
      await this.#o.persist?.(structuredClone(this.#sessions));
    } catch (err) {
      this.#o.onError?.(err);
    }
  }
}
