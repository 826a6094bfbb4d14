// Structured JSON logs, one line per event. Secrets never reach the output: any field whose
// name looks like a password, code or token is replaced before serialisation.
import { writeSync } from 'node:fs';
export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET = /pass(word)?|otp|^code$|token|secret|authorization|cookie|api[-_]?key|private[-_]?key|credential/i;

const MAX_DEPTH = 8;

/**
 * A copy of `value` safe to log: secret-named fields replaced at any depth, cycles and anything
 * deeper than MAX_DEPTH cut (never passed through unredacted), errors and dates made readable.
 */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET.test(key) ? '[REDACTED]' : redact(inner, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Lines written to stdout once per turn of the event loop instead of one write each: under load
 * a write per request line cost more than the rest of the logging. Whatever is still buffered
 * is written synchronously when the process exits.
 */
let stdout: ((line: string) => void) | undefined;
export function batchedStdout(): (line: string) => void {
  stdout ??= batchedWriter();
  return stdout;
}

function batchedWriter(): (line: string) => void {
  let buffer = '';
  const flush = () => {
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
    if (buffer === '') setImmediate(flush);
    buffer += line;
  };
}

export function createLogger(level: Level | 'silent' = 'info', write: (line: string) => void = batchedStdout()): Logger {
  const min = ORDER[level];
  const log = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const entry = { time: new Date().toISOString(), level: lvl, msg, ...(fields ? (redact(fields) as object) : {}) };
    write(JSON.stringify(entry) + '\n');
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}
