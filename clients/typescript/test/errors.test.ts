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

describe('typed errors', () => {
  it('maps every code of the contract to a class', () => {
    const codes = (spec.components.schemas.ErrorCode as { enum: string[] }).enum;
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual([...codes].sort());
  });

  it.each([
    ['VALIDATION_ERROR', 400, ValidationError],
    ['WEAK_PASSWORD', 400, ValidationError],
    ['INVALID_OTP', 400, OtpError],
    ['INVALID_CREDENTIALS', 401, AuthError],
    ['TOKEN_REUSED', 401, AuthError],
    ['QUOTA_EXCEEDED', 403, QuotaExceededError],
    ['NOT_FOUND', 404, NotFoundError],
    ['METHOD_NOT_ALLOWED', 405, ProtocolError],
    ['ACCOUNT_EXISTS', 409, ConflictError],
    ['RATE_LIMIT_EXCEEDED', 429, RateLimitError],
    ['SERVICE_UNAVAILABLE', 503, ServerError],
  ] as const)('%s (%i) becomes %o', (code, status, cls) => {
    const error = toApiError(apiError(status, code), { success: false, error: code, message: 'm', requestId: 'req-1' });
    expect(error).toBeInstanceOf(cls);
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
