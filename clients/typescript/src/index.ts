export { createBarqnetClient, type BarqnetClient, type BarqnetClientOptions } from './client.ts';
export {
  AbortedError,
  ApiError,
  AuthError,
  BarqnetError,
  ConflictError,
  ERROR_CLASSES,
  NetworkError,
  NotFoundError,
  OtpError,
  ProtocolError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  parseRetryAfter,
  type ClientErrorCode,
} from './errors.ts';
export type { AskOtp, AskPassword, DeviceFields, OtpFlowInput, OtpPrompt, PasswordLoginInput, RegisterInput } from './flows.ts';
export { jwtExpiresAt } from './jwt.ts';
export type { CallOptions, JsonBody, Operations, Query } from './operations.ts';
export { backoffDelay, createRetryFetch, isIdempotent, type FetchLike, type RequestExtras, type RetryOptions } from './retry-fetch.ts';
export { Session, type ClientEvents, type SignOutReason, type TokenGrant } from './session.ts';
export { MemoryTokenStore, type TokenStore, type Tokens } from './token-store.ts';
export { VpnReporter, type ReportedSession, type TrafficCounters, type VpnReporterOptions } from './vpn-reporter.ts';
export type * from './generated/types.ts';
