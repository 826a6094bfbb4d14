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
  /** The one info line per answered request (the access log): see requestLine. */
  request(line: RequestLine): void;
}

/** What the line per request says; every field is made by the server, none by the client. */
export interface RequestLine {
  /** A UUID, or the client's X-Request-Id once it has passed SAFE_REQUEST_ID. */
  requestId: string;
  /** The contract's operationId (undefined off the contract). */
  operationId: string | undefined;
  /** Node's HTTP parser admits only token characters here. */
  method: string;
  path: string;
  status: number;
  ms: number;
  traceId?: string | undefined;
}

/** Where the lines go; `batch` marks a request line, which may be held back (batchedStdout). */
export type Write = (line: string, batch?: boolean) => void;

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
 * Lines written to stdout in batches: request lines are copied into a byte buffer written at most
 * every FLUSH_MS, or at once when full, instead of one write per line (under load a write per
 * request line cost more than the rest of the logging; even one write per event-loop turn was
 * most of the cost of a request line, and lines held as strings until the write kept the garbage
 * collector busy). Other lines are written at once, after what is buffered, and the buffer is
 * written synchronously when the process exits, so a crash loses no line that explains it.
 */
const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;
let stdout: Write | undefined;
export function batchedStdout(): Write {
  stdout ??= batchedWriter();
  return stdout;
}

function batchedWriter(): Write {
  let chunk = Buffer.allocUnsafe(FLUSH_BYTES);
  let used = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (used === 0) return;
    process.stdout.write(chunk.subarray(0, used));
    used = 0;
    // Written at once (a file, or a pipe or terminal on Linux): the chunk is free again. A fresh
    // one only while the stream still queues it; a new 64 KiB buffer per flush made more GC work.
    if (process.stdout.writableLength > 0) chunk = Buffer.allocUnsafe(FLUSH_BYTES);
  };
  process.once('exit', () => {
    if (used > 0) writeSync(1, chunk, 0, used);
    used = 0;
  });
  return (line, batch) => {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    const most = line.length * 3;
    if (most > FLUSH_BYTES) {
      flush();
      process.stdout.write(line);
      return;
    }
    if (used + most > FLUSH_BYTES) flush();
    used += chunk.write(line, used);
    // any other line goes out at once, in one write with the request lines before it
    if (!batch) flush();
    else timer ??= setTimeout(flush, FLUSH_MS).unref();
  };
}

/**
 * What a request's lines carry. Small on purpose, and never the request itself: whatever is
 * asynchronous and started while the request runs (a keep-alive socket's timer, say) keeps the
 * scope alive after the response, so a scope holding the request kept every request's objects
 * past a young-generation collection (bench/NOTES.md).
 */
export interface RequestScope {
  requestId: string;
  /** Set by routeGuard once the route is matched. */
  operationId?: string | undefined;
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

/**
 * The request line in the layout pino gives every other line, written without pino: it is the
 * one line per request, its fields are fixed and made by the server (nothing to redact), and
 * under load pino's general path (the redaction walk, the scope mixin, the key loop) cost a
 * request several times what the line is worth. Only the path, the one field a client shapes,
 * is JSON-escaped; the rest cannot hold a character that needs it.
 */
function requestLine(line: RequestLine): string {
  const op = line.operationId === undefined ? '' : `,"operationId":"${line.operationId}"`;
  const trace = line.traceId === undefined ? '' : `,"traceId":"${line.traceId}"`;
  return `{"level":"info"${isoTime()},"msg":"request","requestId":"${line.requestId}"${op}${trace},"method":"${line.method}","path":${JSON.stringify(line.path)},"status":${line.status},"ms":${line.ms}}\n`;
}

export function createLogger(level: Level | 'silent' = 'info', write: Write = batchedStdout()): Logger {
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redact(fields) as Record<string, unknown> },
      mixin() {
        const scope = scopes.getStore();
        return scope ? { requestId: scope.requestId, operationId: scope.operationId, traceId: scope.traceId } : NO_SCOPE;
      },
      // the fields logged win over the scope's (the request line names its own requestId)
      mixinMergeStrategy: (fields, scope) => (scope === NO_SCOPE ? fields : Object.assign(scope, fields)),
    },
    { write },
  );
  const requests = log.isLevelEnabled('info');
  return {
    debug: (msg, fields) => (fields ? log.debug(fields, msg) : log.debug(msg)),
    info: (msg, fields) => (fields ? log.info(fields, msg) : log.info(msg)),
    warn: (msg, fields) => (fields ? log.warn(fields, msg) : log.warn(msg)),
    error: (msg, fields) => (fields ? log.error(fields, msg) : log.error(msg)),
    request: (line) => requests && write(requestLine(line), true),
  };
}

/**
 * pino-pretty for a person at a terminal (development). A devDependency: undefined where it is
 * not installed, and the caller keeps JSON lines.
 */
export async function prettyStdout(): Promise<Write | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    return (line) => void stream.write(line);
  } catch {
    return undefined;
  }
}
