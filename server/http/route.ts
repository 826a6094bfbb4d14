// Handlers are keyed by operationId and typed from generated/types.ts: the body, query and
// path they receive and the success replies they may return all come from the contract.
import type { operations } from '../../generated/types.ts';
import type { Caller } from '../context.ts';
import { UnauthenticatedError } from '../lib/errors.ts';

export type OperationId = keyof operations;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Op<K extends OperationId> = operations[K];

export type RequestBody<K extends OperationId> = Op<K> extends { requestBody: infer R } ? Json<NonNullable<R>> : undefined;
export type Query<K extends OperationId> = Op<K>['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;
export type PathParams<K extends OperationId> = Op<K>['parameters'] extends { path: infer P } ? P : never;

type SuccessCode<K extends OperationId> = Extract<keyof Op<K>['responses'], 200 | 201>;
export type Reply<K extends OperationId> = {
  [S in SuccessCode<K>]: { status: S; body: Json<Op<K>['responses'][S]> };
}[SuccessCode<K>];

export interface Context<K extends OperationId> {
  body: RequestBody<K>;
  query: Query<K>;
  params: PathParams<K>;
  ip: string;
  /** The bearer token's caller; undefined on public operations. */
  caller: Caller | undefined;
}

export type Handler<K extends OperationId> = (ctx: Context<K>) => Promise<Reply<K>>;
export type Handlers = { [K in OperationId]: Handler<K> };

/** The caller of a secured operation (the bearer middleware has already refused anonymous calls). */
export function callerOf(ctx: { caller: Caller | undefined }): Caller {
  if (!ctx.caller) throw new UnauthenticatedError('UNAUTHORIZED', 'A bearer token is required');
  return ctx.caller;
}
