import { AbortedError, NetworkError, TimeoutError, parseRetryAfter } from './errors.ts';

export type FetchLike = (request: Request) => Promise<Response>;

/** Extra per-request options; openapi-fetch copies unknown init keys onto the Request. */
export interface RequestExtras {
  /** Allow retries for a POST/PATCH the server treats as idempotent (e.g. cumulative stats). */
  idempotent?: boolean;
  /** Per-attempt timeout in ms; 0 turns it off. */
  timeoutMs?: number;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff delay (default 1000 ms); doubles per retry. */
  baseDelayMs?: number;
  /** Largest backoff delay (default 30000 ms). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited out: the caller gets the 429/503 at once (default 30000 ms). */
  maxRetryAfterMs?: number;
  /** Default per-attempt timeout (default 30000 ms; 0 = none). */
  timeoutMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** How to wait between attempts; tests inject a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for Retry-After HTTP-dates (default Date.now). */
  now?: () => number;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function isIdempotent(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method) || (request as Request & RequestExtras).idempotent === true;
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so waits never collapse to 0. */
export function backoffDelay(retry: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const step = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 1000) * 2 ** retry);
  return Math.round(step / 2 + (random() * step) / 2);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps fetch with timeouts and retries. It sits beneath openapi-fetch's middleware because
 * openapi-fetch never re-sends and request bodies are single-use (openapi-typescript#1122): each
 * attempt sends a fresh Request with the same bytes. Only idempotent requests are retried, on
 * network errors, timeouts, 408, 429 and 5xx; Retry-After (RFC 9110 §10.2.3) replaces the
 * backoff when the server sends it.
 */
export function createRetryFetch(baseFetch: FetchLike, options: RetryOptions = {}): FetchLike {
  const retries = options.retries ?? 3;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;

  return async function retryFetch(request: Request): Promise<Response> {
    const extras = request as Request & RequestExtras;
    const timeoutMs = extras.timeoutMs ?? options.timeoutMs ?? 30_000;
    const canRetry = isIdempotent(request);
    // Read the body once as bytes: every attempt sends its own copy, and no browser has to
    // upload a stream (Safari cannot).
    const body = request.body === null ? null : await request.clone().arrayBuffer();
    for (let attempt = 0; ; attempt++) {
      const last = !canRetry || attempt >= retries;
      let response: Response;
      try {
        response = await attemptOnce(baseFetch, request, body, timeoutMs);
      } catch (err) {
        if (err instanceof AbortedError || last) throw err;
        await wait(sleep, backoffDelay(attempt, options, random), request.signal);
        continue;
      }
      if (last || !RETRY_STATUSES.has(response.status)) return response;
      let delay = backoffDelay(attempt, options, random);
      const retryAfter = parseRetryAfter(response.headers.get('Retry-After'), now());
      if (retryAfter !== undefined) {
        if (retryAfter * 1000 > maxRetryAfterMs) return response;
        delay = retryAfter * 1000;
      }
      await response.body?.cancel().catch(() => {}); // frees the connection before the next try
      await wait(sleep, delay, request.signal);
    }
  };
}

/** Sleeps between attempts, cut short when the caller aborts. */
function wait(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortedError({ cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new AbortedError({ cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** One attempt with its own timeout, also ending early when the caller's signal aborts. */
async function attemptOnce(baseFetch: FetchLike, request: Request, body: ArrayBuffer | null, timeoutMs: number): Promise<Response> {
  const callerSignal = request.signal;
  if (callerSignal.aborted) throw new AbortedError({ cause: callerSignal.reason });
  const controller = new AbortController();
  const onAbort = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new TimeoutError(timeoutMs));
        }, timeoutMs)
      : undefined;
  try {
    return await baseFetch(new Request(request, body === null ? { signal: controller.signal } : { body, signal: controller.signal }));
  } catch (err) {
    if (timedOut) throw new TimeoutError(timeoutMs, { cause: err });
    if (callerSignal.aborted) throw new AbortedError({ cause: err });
    throw new NetworkError('backend not available', { cause: err });
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener('abort', onAbort);
  }
}
