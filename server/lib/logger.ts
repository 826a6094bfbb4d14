// Structured JSON logs with pino, one line per event. Secrets never reach the output: any field
// whose name looks like a password, code or token is replaced at ANY depth before serialisation
// (a pino log formatter: pino's own `redact` takes fixed paths, which cannot say "any depth").
// Every line written while a request is handled carries its requestId and operationId, read from
// the request's AsyncLocalStorage scope, so one request's story can be read from the log.
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeSync } from 'node:fs';
import pino from 'pino';
export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET = /pass(word)?|otp|^code$|token|secret|authorization|cookie|api[-_]?key|private[-_]?key|credential/i;

const MAX_DEPTH = 8;

/**
 * A copy of `value` safe to log: secret-named fields replaced at any depth, cycles and anything
 * deeper than MAX_DEPTH cut (never passed through unredacted), errors and dates made readable.
 */
// Field names come from the code, so there are few of them: each is tested once (a bounded memo).
const secretNames = new Map<string, boolean>();
function isSecretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = SECRET.test(key);
    if (secretNames.size < 1000) secretNames.set(key, secret);
  }
  return secret;
}

export function redact(value: unknown, depth = 0, seen?: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen ??= new WeakSet();
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretName(key) ? '[REDACTED]' : typeof inner === 'object' ? redact(inner, depth + 1, seen) : inner;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Lines written to stdout in batches: at most every FLUSH_MS, or at once past FLUSH_BYTES, instead
 * of one write per line (under load a write per request line cost more than the rest of the
 * logging; even one write per event-loop turn was most of the cost of a request line). Other
 * lines are written at once, and whatever is buffered is written synchronously when the
 * process exits, so a crash loses no line that explains it.
 */
const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;
let stdout: ((line: string) => void) | undefined;
export function batchedStdout(): (line: string) => void {
  stdout ??= batchedWriter();
  return stdout;
}

function batchedWriter(): (line: string) => void {
  let buffer = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer === '') return;
    const out = buffer;
    buffer = '';
    process.stdout.write(out);
  };
  process.once('exit', () => {
    if (buffer !== '') writeSync(1, buffer);
    buffer = '';
  });
  return (line) => {
    buffer += line;
    // Only the line per request is held back; every other line (start-up, shutdown, warnings,
    // errors) is written at once, with what is buffered before it.
    if (buffer.length >= FLUSH_BYTES || !line.includes('"msg":"request"')) return flush();
    timer ??= setTimeout(flush, FLUSH_MS).unref();
  };
}

/** What a request's lines carry; `req.operationId` is read late, once routeGuard has set it. */
export interface RequestScope {
  requestId: string;
  req: { operationId?: string | undefined };
  /** The request's OpenTelemetry trace, when tracing is on: logs and traces join on it. */
  traceId?: string | undefined;
}

// One context slot per process, like Node's own async context: it holds no state of its own,
// only what each request's `runInRequestScope` put in for the span of that request.
const scopes = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (the rest of the request's middleware) with `scope` attached to every log line. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

const NO_SCOPE = Object.freeze({});

// pino's isoTime formats a new Date on every line; many lines share a millisecond under load.
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

export function createLogger(level: Level | 'silent' = 'info', write: (line: string) => void = batchedStdout()): Logger {
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redact(fields) as Record<string, unknown> },
      mixin() {
        const scope = scopes.getStore();
        return scope ? { requestId: scope.requestId, operationId: scope.req.operationId, traceId: scope.traceId } : NO_SCOPE;
      },
      // the fields logged win over the scope's (the request line names its own requestId)
      mixinMergeStrategy: (fields, scope) => (scope === NO_SCOPE ? fields : Object.assign(scope, fields)),
    },
    { write },
  );
  return {
    debug: (msg, fields) => (fields ? log.debug(fields, msg) : log.debug(msg)),
    info: (msg, fields) => (fields ? log.info(fields, msg) : log.info(msg)),
    warn: (msg, fields) => (fields ? log.warn(fields, msg) : log.warn(msg)),
    error: (msg, fields) => (fields ? log.error(fields, msg) : log.error(msg)),
  };
}

/**
 * pino-pretty for a person at a terminal (development). A devDependency: undefined where it is
 * not installed, and the caller keeps JSON lines.
 */
export async function prettyStdout(): Promise<((line: string) => void) | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    return (line) => void stream.write(line);
  } catch {
    return undefined;
  }
}
