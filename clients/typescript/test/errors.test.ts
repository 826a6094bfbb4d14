import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  ConflictError,
  ERROR_CLASSES,
  NotFoundError,
  OtpError,
  ProtocolError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  ValidationError,
  parseRetryAfter,
  type ErrorCode,
} from '../src/index.ts';
import { toApiError } from '../src/errors.ts';
import spec from '../../../generated/openapi.public.json' with { type: 'json' };
import { apiError, json } from './fake-api.ts';

const schema = spec.components.schemas.ErrorCode as unknown as { enum: ErrorCode[]; 'x-http-status': Record<ErrorCode, number> };
const STATUS = schema['x-http-status'];

/** What a caller may rely on, by the status the contract gives a code (the classes' doc comments). */
function promisedClass(code: ErrorCode, status: number): typeof ApiError {
  if (code === 'INVALID_OTP') return OtpError;
  if (status >= 500) return ServerError;
  const by: Record<number, typeof ApiError> = {
    400: ValidationError,
    401: AuthError,
    403: QuotaExceededError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
  };
  return by[status] ?? ProtocolError;
}

describe('typed errors', () => {
  it('maps every code of the contract to a class', () => {
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual([...schema.enum].sort());
  });

  it.each(schema.enum.map((code) => [code, STATUS[code]] as const))('%s (%i in the contract) becomes the class promised for its status', (code, status) => {
    const error = toApiError(apiError(status, code), { success: false, error: code, message: 'm', requestId: 'req-1' });
    const expected = promisedClass(code, status);
    // exactly that class, not a subclass (WEAK_PASSWORD is no OtpError)
    expect(error.constructor).toBe(expected);
    expect(error).toMatchObject({ code, status, message: 'm', requestId: 'req-1' });
  });

  it('ValidationError carries the details list', () => {
    const details = [{ path: '/body/phoneNumber', message: 'must match pattern' }];
    const error = toApiError(json(400, {}), { success: false, error: 'VALIDATION_ERROR' as ErrorCode, message: 'bad', details });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual(details);
  });

  it('OtpError exposes attemptsRemaining', () => {
    const error = toApiError(json(400, {}), { success: false, error: 'INVALID_OTP', message: 'wrong', attemptsRemaining: 2 });
    expect((error as OtpError).attemptsRemaining).toBe(2);
  });

  it('RateLimitError takes retryAfter from the body, else from the header', () => {
    const fromBody = toApiError(json(429, {}), { success: false, error: 'RATE_LIMIT_EXCEEDED', message: 'slow', retryAfter: 60 });
    const fromHeader = toApiError(json(429, {}, { 'Retry-After': '42' }), { success: false, error: 'RATE_LIMIT_EXCEEDED', message: 'slow' });
    expect((fromBody as RateLimitError).retryAfter).toBe(60);
    expect((fromHeader as RateLimitError).retryAfter).toBe(42);
  });

  it('an answer outside the envelope (a proxy page) keeps its status class', () => {
    const bad = toApiError(new Response('<html>bad gateway</html>', { status: 502 }), '<html>bad gateway</html>');
    expect(bad).toBeInstanceOf(ServerError);
    expect(bad).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502 });
    const odd = toApiError(new Response('nope', { status: 418 }), 'nope');
    expect(odd).toBeInstanceOf(ApiError);
    expect(odd).not.toBeInstanceOf(ServerError);
  });

  it('parses Retry-After seconds and HTTP-dates, ignoring junk', () => {
    const now = Date.parse('2025-10-14T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
