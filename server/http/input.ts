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
    throw Object.assign(new Error(`The request body is not valid ${encoding}`), { type: error instanceof RangeError ? 'charset.unsupported' : 'encoding.invalid' });
  }
}

/** The JSON pointer of the first string (or key) holding U+0000 or a lone surrogate, if any. */
export function unstorableAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') || !value.isWellFormed() ? path : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const found = unstorableAt(key, at) ?? unstorableAt(inner, at);
    if (found) return found;
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
