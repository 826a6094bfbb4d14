import type { Client } from 'openapi-fetch';
import { BarqnetError, toApiError } from './errors.ts';
import { OPERATIONS } from './generated/operations.ts';
import type { operations, paths } from './generated/types.ts';

/** The JSON request body of an operation, straight from the generated types. */
export type JsonBody<Id extends keyof operations> = NonNullable<operations[Id]['requestBody']> extends { content: { 'application/json': infer B } } ? B : never;

/** The query parameters of an operation. */
export type Query<Id extends keyof operations> = NonNullable<operations[Id]['parameters']['query']>;

/** Per-call options every operation accepts. */
export interface CallOptions {
  /** Abort the call (and its retries). */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms, overriding the client's. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

type FetchResult = { data?: unknown; error?: unknown; response: Response };

/** The success body, or the typed error for the error envelope. */
export async function unwrap<R extends FetchResult>(pending: Promise<R>): Promise<NonNullable<R['data']>> {
  let result: R;
  try {
    result = await pending;
  } catch (err) {
    if (err instanceof BarqnetError) throw err;
    // openapi-fetch failed to parse a 2xx body: not an answer this contract allows
    throw new BarqnetError('UNEXPECTED_RESPONSE', `unexpected answer: ${String(err)}`, { cause: err });
  }
  if (result.response.ok && result.data !== undefined) return result.data as NonNullable<R['data']>;
  throw toApiError(result.response, result.error);
}

/**
 * One method per operationId, grouped by the contract's tags. Each returns the success body
 * and throws a typed error (errors.ts) for anything else.
 */
export function createOperations(api: Client<paths>) {
  return {
    auth: {
      sendOtp: (body: JsonBody<'sendOtp'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.sendOtp.path, { ...o, body })),
      verifyOtp: (body: JsonBody<'verifyOtp'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.verifyOtp.path, { ...o, body })),
      signInWithOtp: (body: JsonBody<'signInWithOtp'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.signInWithOtp.path, { ...o, body })),
      register: (body: JsonBody<'register'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.register.path, { ...o, body })),
      login: (body: JsonBody<'login'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.login.path, { ...o, body })),
      /** Prefer `client.session.refresh()`, which shares one call between concurrent callers. */
      refreshToken: (body: JsonBody<'refreshToken'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.refreshToken.path, { ...o, body })),
      logout: (o?: CallOptions) => unwrap(api.POST(OPERATIONS.logout.path, { ...o })),
    },
    vpn: {
      listLocations: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.listLocations.path, { ...o })),
      getVpnConfig: (query: Query<'getVpnConfig'> = {}, o?: CallOptions) => unwrap(api.GET(OPERATIONS.getVpnConfig.path, { ...o, params: { query } })),
      listCustomConfigs: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.listCustomConfigs.path, { ...o })),
      createCustomConfig: (body: JsonBody<'createCustomConfig'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.createCustomConfig.path, { ...o, body })),
      deleteCustomConfig: (configId: string, o?: CallOptions) =>
        unwrap(api.DELETE(OPERATIONS.deleteCustomConfig.path, { ...o, params: { path: { configId } } })),
      // With a sessionId the report is an update the server applies idempotently, so it may be retried.
      reportConnectionStatus: (body: JsonBody<'reportConnectionStatus'>, o?: CallOptions) =>
        unwrap(api.POST(OPERATIONS.reportConnectionStatus.path, { ...o, body, idempotent: body.sessionId !== undefined })),
      getUsage: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.getUsage.path, { ...o })),
      // Totals are cumulative and the server keeps the maximum: a retried report never counts twice.
      reportTrafficStats: (body: JsonBody<'reportTrafficStats'>, o?: CallOptions) =>
        unwrap(api.POST(OPERATIONS.reportTrafficStats.path, { ...o, body, idempotent: true })),
    },
    user: {
      getProfile: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.getProfile.path, { ...o })),
      updateProfile: (body: JsonBody<'updateProfile'>, o?: CallOptions) => unwrap(api.PATCH(OPERATIONS.updateProfile.path, { ...o, body })),
      changePassword: (body: JsonBody<'changePassword'>, o?: CallOptions) => unwrap(api.POST(OPERATIONS.changePassword.path, { ...o, body })),
      listDevices: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.listDevices.path, { ...o })),
      revokeDevice: (deviceId: string, o?: CallOptions) => unwrap(api.DELETE(OPERATIONS.revokeDevice.path, { ...o, params: { path: { deviceId } } })),
      deleteAccount: (body: JsonBody<'deleteAccount'>, o?: CallOptions) => unwrap(api.DELETE(OPERATIONS.deleteAccount.path, { ...o, body })),
    },
    system: {
      getHealth: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.getHealth.path, { ...o })),
      getReadiness: (o?: CallOptions) => unwrap(api.GET(OPERATIONS.getReadiness.path, { ...o })),
    },
  };
}

export type Operations = ReturnType<typeof createOperations>;
