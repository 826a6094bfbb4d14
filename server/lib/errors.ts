// Domain errors say what happened; one middleware (http/errors.ts) maps them to the envelope.
// The HTTP status of each code is the contract's (generated/errors.ts), never restated here.
import { ERROR_STATUS, type ErrorCode } from '../../generated/errors.ts';

export type { ErrorCode };

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: { retryAfter?: number; attemptsRemaining?: number; details?: { path: string; message: string }[] };
  constructor(code: ErrorCode, message: string, extra: ApiError['extra'] = {}) {
    super(message);
    this.status = ERROR_STATUS[code];
    this.code = code;
    this.extra = extra;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, path = '/body') {
    super('VALIDATION_ERROR', message, { details: [{ path, message }] });
  }
}
export class WeakPasswordError extends ApiError {
  constructor() {
    super('WEAK_PASSWORD', 'Password must contain an upper-case letter, a lower-case letter and a digit');
  }
}
export class InvalidOtpError extends ApiError {
  constructor(attemptsRemaining: number) {
    super('INVALID_OTP', 'Invalid or expired OTP', { attemptsRemaining });
  }
}
export class InvalidVerificationTokenError extends ApiError {
  constructor() {
    super('INVALID_VERIFICATION_TOKEN', 'The verification token is invalid, expired or already used');
  }
}
export class InvalidConfigError extends ApiError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}
export class InvalidCredentialsError extends ApiError {
  constructor(message = 'Invalid phone number or password') {
    super('INVALID_CREDENTIALS', message);
  }
}
export class UnauthenticatedError extends ApiError {
  constructor(code: 'UNAUTHORIZED' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'TOKEN_REUSED', message: string) {
    super(code, message);
  }
}
export class QuotaExceededError extends ApiError {
  constructor() {
    super('QUOTA_EXCEEDED', 'Data quota exceeded');
  }
}
export class NotFoundError extends ApiError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}
export class ConflictError extends ApiError {
  constructor(code: 'ACCOUNT_EXISTS' | 'CONFIG_LIMIT_REACHED' | 'LOCATION_UNAVAILABLE', message: string) {
    super(code, message);
  }
}
export class RateLimitedError extends ApiError {
  constructor(retryAfter: number, message = `Too many requests. Please wait ${retryAfter} seconds.`) {
    super('RATE_LIMIT_EXCEEDED', message, { retryAfter });
  }
}
export class UnavailableError extends ApiError {
  constructor(message: string, retryAfter?: number) {
    super('SERVICE_UNAVAILABLE', message, retryAfter === undefined ? {} : { retryAfter });
  }
}
