// Domain errors say what happened; one middleware (http/errors.ts) maps them to the envelope.
import type { components } from '../../generated/types.ts';

export type ErrorCode = components['schemas']['ErrorCode'];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: { retryAfter?: number; attemptsRemaining?: number; details?: { path: string; message: string }[] };
  constructor(status: number, code: ErrorCode, message: string, extra: ApiError['extra'] = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, path = '/body') {
    super(400, 'VALIDATION_ERROR', message, { details: [{ path, message }] });
  }
}
export class WeakPasswordError extends ApiError {
  constructor() {
    super(400, 'WEAK_PASSWORD', 'Password must contain an upper-case letter, a lower-case letter and a digit');
  }
}
export class InvalidOtpError extends ApiError {
  constructor(attemptsRemaining: number) {
    super(400, 'INVALID_OTP', 'Invalid or expired OTP', { attemptsRemaining });
  }
}
export class InvalidVerificationTokenError extends ApiError {
  constructor() {
    super(400, 'INVALID_VERIFICATION_TOKEN', 'The verification token is invalid, expired or already used');
  }
}
export class InvalidConfigError extends ApiError {
  constructor(message: string) {
    super(400, 'INVALID_CONFIG', message);
  }
}
export class InvalidCredentialsError extends ApiError {
  constructor(message = 'Invalid phone number or password') {
    super(401, 'INVALID_CREDENTIALS', message);
  }
}
export class UnauthenticatedError extends ApiError {
  constructor(code: 'UNAUTHORIZED' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'TOKEN_REUSED', message: string) {
    super(401, code, message);
  }
}
export class QuotaExceededError extends ApiError {
  constructor() {
    super(403, 'QUOTA_EXCEEDED', 'Data quota exceeded');
  }
}
export class NotFoundError extends ApiError {
  constructor(what: string) {
    super(404, 'NOT_FOUND', `${what} not found`);
  }
}
export class ConflictError extends ApiError {
  constructor(code: 'ACCOUNT_EXISTS' | 'CONFIG_LIMIT_REACHED' | 'LOCATION_UNAVAILABLE', message: string) {
    super(409, code, message);
  }
}
export class RateLimitedError extends ApiError {
  constructor(retryAfter: number, message = `Too many requests. Please wait ${retryAfter} seconds.`) {
    super(429, 'RATE_LIMIT_EXCEEDED', message, { retryAfter });
  }
}
export class UnavailableError extends ApiError {
  constructor(message: string, retryAfter?: number) {
    super(503, 'SERVICE_UNAVAILABLE', message, retryAfter === undefined ? {} : { retryAfter });
  }
}
