// The SDK's methods are the contract's operations: one per operationId, under its tag, and each
// sends the method and path of generated/operations.public.ts.
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationId } from '../src/generated/operations.ts';
import type { paths } from '../src/generated/types.ts';
import { createOperations } from '../src/operations.ts';
import { fakeApi, json } from './fake-api.ts';

describe('operation table', () => {
  const api = fakeApi({});
  const groups = createOperations(
    createClient<paths>({ baseUrl: 'http://api.test', fetch: async (r: Request) => (await api.fetch(r), json(200, { success: true })) }),
  );
  const methods = Object.entries(groups).flatMap(([tag, ops]) =>
    Object.entries(ops).map(([id, call]) => ({ tag, id: id as OperationId, call: call as (arg: unknown) => Promise<unknown> })),
  );

  it('oneMethodPerOperationId_underItsTag', () => {
    expect(methods.map((m) => m.id).sort()).toEqual(Object.keys(OPERATIONS).sort());
    for (const { tag, id } of methods) expect(tag, id).toBe(OPERATIONS[id].tag.toLowerCase());
  });

  it('eachMethod_sendsTheContractsMethodAndPath', async () => {
    for (const { id, call } of methods) {
      const op = OPERATIONS[id];
      await call(op.path.includes('{') ? 'x' : {}).catch(() => undefined);
      expect(api.calls.at(-1), id).toMatchObject({ method: op.method.toUpperCase(), path: op.path.replace(/\{\w+\}/g, 'x') });
    }
  });
});
