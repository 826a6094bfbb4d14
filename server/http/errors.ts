// The one place errors become HTTP: domain errors, the validator's errors, body-parser errors
// and the unexpected. Every answer is the contract's envelope; only 5xx are logged with detail.
import type { ErrorRequestHandler, Response } from 'express';
import { DatabaseUnavailableError } from '../db/index.ts';
import { ERROR_STATUS, MAX_DETAILS } from '../../generated/errors.ts';
import { ApiError, type ErrorCode } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

// The code a library's 4xx (validator, body parser, router) becomes, keyed by its status.
const LIBRARY_CODES: ErrorCode[] = [
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'QUOTA_EXCEEDED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMIT_EXCEEDED',
];
const BY_STATUS = new Map<number, ErrorCode>(LIBRARY_CODES.map((code) => [ERROR_STATUS[code], code]));

const TOKEN_ERRORS = new Set<ErrorCode>(['INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REUSED']);

interface Envelope {
  success: false;
  error: ErrorCode;
  message: string;
  details?: { path: string; message: string }[];
  retryAfter?: number;
  attemptsRemaining?: number;
  requestId?: string;
}

/** Sends the envelope with the contract's status for `body.error`. */
export function sendError(res: Response, body: Omit<Envelope, 'success'>): void {
  const status = ERROR_STATUS[body.error];
  if (status === 401) {
    // RFC 6750 §3.1: `invalid_token` only when a token was presented; not for a missing token or a wrong password.
    const error = TOKEN_ERRORS.has(body.error) ? ', error="invalid_token"' : '';
    res.setHeader('WWW-Authenticate', `Bearer realm="barqnet"${error}`);
  }
  if (body.retryAfter !== undefined) res.setHeader('Retry-After', String(body.retryAfter));
  res.status(status).json({ success: false, ...body });
}

interface LibraryError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  errors?: { path?: string; message?: string }[];
}

function fromLibrary(err: LibraryError): Omit<Envelope, 'success'> | undefined {
  if (err.type === 'entity.parse.failed') {
    return { error: 'VALIDATION_ERROR', message: 'Malformed JSON in request body', details: [{ path: '/body', message: 'is not valid JSON' }] };
  }
  if (err.type === 'encoding.invalid') {
    return {
      error: 'VALIDATION_ERROR',
      message: err.message ?? 'Invalid body encoding',
      details: [{ path: '/body', message: 'has bytes that are not valid in its charset' }],
    };
  }
  if (err.type === 'entity.too.large') return { error: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' };
  if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') {
    return { error: 'UNSUPPORTED_MEDIA_TYPE', message: err.message ?? 'Unsupported body encoding' };
  }
  const status = err.status ?? err.statusCode;
  const code = status === undefined ? undefined : BY_STATUS.get(status);
  if (!code) return undefined;
  const details = (err.errors ?? []).slice(0, MAX_DETAILS).map((e) => ({
    path: String(e.path ?? '').slice(0, 200),
    message: String(e.message ?? 'is invalid').slice(0, 500),
  }));
  const message =
    status === 400
      ? `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`
      : status === 415
        ? 'Content-Type must be application/json'
        : (err.message ?? 'Request refused');
  return { error: code, message: message.slice(0, 500), ...(details.length && status === 400 ? { details } : {}) };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const requestId = res.getHeader('X-Request-Id') as string | undefined;
    if (err instanceof ApiError) return sendError(res, { error: err.code, message: err.message, ...err.extra });
    if (err instanceof DatabaseUnavailableError) {
      logger.error('db.unavailable', { requestId, error: err.message });
      return sendError(res, { error: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; retry later', retryAfter: 5 });
    }
    const mapped = fromLibrary(err as LibraryError);
    if (mapped) return sendError(res, mapped);
    logger.error('request.failed', { requestId, method: req.method, path: req.path, error: (err as Error)?.message, stack: (err as Error)?.stack });
    sendError(res, { error: 'SERVER_ERROR', message: 'Internal server error', ...(requestId ? { requestId } : {}) });
  };
}
