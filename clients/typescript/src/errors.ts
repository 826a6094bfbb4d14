import { ERROR_STATUS, type ErrorStatus } from './generated/errors.ts';
import type { ErrorCode, ErrorDetail, ErrorResponse } from './generated/types.ts';

/** Codes the SDK adds for failures that never reached an API answer. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNEXPECTED_RESPONSE';

/** Every error the SDK throws is a BarqnetError; switch on `code`, never on `message`. */
export class BarqnetError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  constructor(code: ErrorCode | ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The backend could not be reached (DNS, refused connection, reset, offline). */
export class NetworkError extends BarqnetError {
  constructor(message = 'backend not available', options?: { cause?: unknown; code?: ClientErrorCode }) {
    super(options?.code ?? 'NETWORK_ERROR', message, options);
  }
}

/** No answer within the request's timeout. A NetworkError, so offline handling covers it too. */
export class TimeoutError extends NetworkError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`backend not available: no answer within ${timeoutMs} ms`, { ...options, code: 'TIMEOUT' });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the request through its own AbortSignal. */
export class AbortedError extends BarqnetError {
  constructor(options?: { cause?: unknown }) {
    super('ABORTED', 'the request was aborted', options);
  }
}

/** The error envelope's fields, with the SDK's own code for answers that are not an envelope. */
export type ErrorBody = Omit<Partial<ErrorResponse>, 'error'> & { error: ErrorCode | 'UNEXPECTED_RESPONSE' };

/** An answer in the API's error envelope (or a non-2xx answer that is not one). */
export class ApiError extends BarqnetError {
  declare readonly code: ErrorCode | 'UNEXPECTED_RESPONSE';
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly requestId: string | undefined;
  readonly body: unknown;
  constructor(status: number, body: ErrorBody, raw?: unknown) {
    super(body.error, body.message ?? `HTTP ${status}`);
    this.status = status;
    this.details = body.details ?? [];
    this.requestId = body.requestId;
    this.body = raw ?? body;
  }
}

/** VALIDATION_ERROR and the other 400s: fix the input; `details` lists each problem. */
export class ValidationError extends ApiError {}

/** INVALID_OTP: the code is wrong, expired or used; `attemptsRemaining` when the server says. */
export class OtpError extends ValidationError {
  get attemptsRemaining(): number | undefined {
    return (this.body as Partial<ErrorResponse>).attemptsRemaining;
  }
}

/** 401s: bad credentials, or the session is gone (the SDK already tried one refresh). */
export class AuthError extends ApiError {}

/** QUOTA_EXCEEDED: the data quota is used up. */
export class QuotaExceededError extends ApiError {}

/** NOT_FOUND: no such resource, or it belongs to someone else. */
export class NotFoundError extends ApiError {}

/** ACCOUNT_EXISTS, CONFIG_LIMIT_REACHED, LOCATION_UNAVAILABLE. */
export class ConflictError extends ApiError {}

/** RATE_LIMIT_EXCEEDED: wait `retryAfter` seconds. */
export class RateLimitError extends ApiError {
  /** Seconds to wait, from the body or the Retry-After header; undefined when neither says. */
  readonly retryAfter: number | undefined;
  constructor(status: number, body: ErrorBody, retryAfter?: number) {
    super(status, body);
    this.retryAfter = retryAfter ?? body.retryAfter;
  }
}

/** 5xx: SERVER_ERROR, SERVICE_UNAVAILABLE, MAINTENANCE (already retried when idempotent). */
export class ServerError extends ApiError {}

/** Client bugs the contract rules out: wrong method, media type, size. */
export class ProtocolError extends ApiError {}

type ApiErrorClass = new (status: number, body: ErrorBody) => ApiError;

/**
 * The class of each HTTP status the contract gives an error code (generated/errors.ts). Typed
 * over those statuses, so a code with a new status fails the SDK build until it has a class here.
 */
const CLASS_BY_STATUS: Record<ErrorStatus, ApiErrorClass> = {
  400: ValidationError,
  401: AuthError,
  403: QuotaExceededError,
  404: NotFoundError,
  405: ProtocolError,
  406: ProtocolError,
  409: ConflictError,
  413: ProtocolError,
  415: ProtocolError,
  429: RateLimitError,
  500: ServerError,
  503: ServerError,
};

/** One class per code of the spec's ErrorCode enum: its status's class, or a more specific one. */
export const ERROR_CLASSES: Record<ErrorCode, ApiErrorClass> = {
  ...(Object.fromEntries(Object.entries(ERROR_STATUS).map(([code, status]) => [code, CLASS_BY_STATUS[status]])) as Record<ErrorCode, ApiErrorClass>),
  INVALID_OTP: OtpError,
};

function isErrorEnvelope(body: unknown): body is ErrorResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return b['success'] === false && typeof b['error'] === 'string' && b['error'] in ERROR_CLASSES;
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Turns a non-2xx answer (status, headers, parsed body) into the matching typed error. */
export function toApiError(response: Response, body: unknown): ApiError {
  if (!isErrorEnvelope(body)) {
    // A proxy's HTML 502 or similar: keep the status class so callers can still branch on it.
    const generic = { error: 'UNEXPECTED_RESPONSE' as const, message: `unexpected HTTP ${response.status} answer` };
    if (response.status >= 500) return new ServerError(response.status, generic, body);
    return new ApiError(response.status, generic, body);
  }
  if (body.error === 'RATE_LIMIT_EXCEEDED') {
    const retryAfter = body.retryAfter ?? parseRetryAfter(response.headers.get('Retry-After'));
    return new RateLimitError(response.status, body, retryAfter);
  }
  return new ERROR_CLASSES[body.error](response.status, body);
}
