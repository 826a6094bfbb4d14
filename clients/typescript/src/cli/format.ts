import { ApiError, AuthError, BarqnetError, NetworkError, RateLimitError, ValidationError } from '../index.ts';
import { NotSignedInError, UsageError } from './args.ts';
import { NoAnswerError } from './prompt.ts';

export const EXIT = { ok: 0, refused: 1, usage: 2, signedOut: 3, unreachable: 4 } as const;

/** One line for stderr and the exit code, for anything a command throws. */
export function describeError(err: unknown, baseUrl: string): { line: string; code: number } {
  if (err instanceof UsageError || err instanceof NoAnswerError) return { line: err.message, code: EXIT.usage };
  if (err instanceof NotSignedInError) return { line: err.message, code: EXIT.signedOut };
  if (err instanceof NetworkError) {
    const cause = err.cause instanceof Error ? causeText(err.cause) : '';
    return { line: `${err.message} at ${baseUrl}${cause ? ` (${cause})` : ''}`, code: EXIT.unreachable };
  }
  if (err instanceof AuthError && err.code !== 'INVALID_CREDENTIALS') {
    return { line: `not signed in (${err.code}): run "barqnet login"`, code: EXIT.signedOut };
  }
  if (err instanceof RateLimitError) {
    const wait = err.retryAfter !== undefined ? `; try again in ${err.retryAfter} s` : '';
    return { line: `${err.code}: ${err.message}${wait}`, code: EXIT.refused };
  }
  if (err instanceof ValidationError && err.details.length > 0) {
    const details = err.details.map((d) => `${d.path} ${d.message}`).join('; ');
    return { line: `${err.code}: ${err.message} (${details})`, code: EXIT.refused };
  }
  if (err instanceof ApiError) {
    const id = err.requestId ? ` [request ${err.requestId}]` : '';
    return { line: `${err.code}: ${err.message}${id}`, code: EXIT.refused };
  }
  if (err instanceof BarqnetError) return { line: `${err.code}: ${err.message}`, code: EXIT.refused };
  return { line: `unexpected error: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.refused };
}

/** undici hides the useful part ("connect ECONNREFUSED 127.0.0.1:8080") one or two causes down. */
function causeText(err: Error): string {
  const chain: Error[] = [];
  for (let current: unknown = err; current instanceof Error && chain.length < 5; current = current.cause) chain.push(current);
  const withCode = chain.find((e) => typeof (e as { code?: unknown }).code === 'string');
  return (withCode ?? chain.at(-1) ?? err).message.split('\n')[0]!;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A plain left-aligned table; columns as wide as their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function pairs(entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** "1 attempt", "2 attempts". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
