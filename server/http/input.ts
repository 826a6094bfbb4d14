// Strings the databases cannot store the same way are refused before any handler runs:
// PostgreSQL rejects U+0000 in text (a 500 after the work began), SQLite keeps it; invalid
// UTF-8 would otherwise be decoded to U+FFFD and stored as if the client had sent it.
import type { RequestHandler } from 'express';
import { ValidationError } from '../lib/errors.ts';

/** body-parser `verify` hook: the raw body must decode strictly in its declared charset. */
export function strictlyEncoded(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(buf);
  } catch (error) {
    throw Object.assign(new Error(`The request body is not valid ${encoding}`), {
      type: error instanceof RangeError ? 'charset.unsupported' : 'encoding.invalid',
    });
  }
}

const unstorable = (text: string) => text.includes('\0') || !text.isWellFormed();

/**
 * The JSON pointer of the first string (or key) holding U+0000 or a lone surrogate, if any.
 * Iterative: a 100 KB body can nest 50,000 levels deep, beyond the call stack.
 */
export function unstorableAt(value: unknown, path: string): string | undefined {
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0) {
    const [node, at] = pending.pop()!;
    if (typeof node === 'string' && unstorable(node)) return at;
    if (!node || typeof node !== 'object') continue;
    for (const [key, inner] of Object.entries(node).reverse()) {
      const child = `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (unstorable(key)) return child;
      pending.push([inner, child]);
    }
  }
  return undefined;
}

export function assertStorable(value: unknown, path: string): void {
  const at = unstorableAt(value, path);
  if (at) throw new ValidationError('must not contain U+0000 or unpaired surrogates', at);
}

/** The query's percent-escapes must be UTF-8: the query parser would decode bad bytes to U+FFFD. */
function strictQuery(url: string): void {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  try {
    decodeURIComponent(query.replaceAll('+', ' '));
  } catch {
    throw new ValidationError('has percent-escapes that are not valid UTF-8', '/query');
  }
}

/** After body parsing: the body and the query hold only storable text. */
export function storableInput(): RequestHandler {
  return (req, _res, next) => {
    strictQuery(req.originalUrl);
    assertStorable(req.body, '/body');
    assertStorable(req.query, '/query');
    next();
  };
}
