// The middleware's lists of public and token-issuing paths, generated from the contract, match it.
import { describe, expect, it } from 'vitest';
import { specOperations } from '../../../scripts/lib/spec-operations.ts';
import { PUBLIC_PATHS, TOKEN_PATHS } from '../src/auth-middleware.ts';
import spec from '../../../generated/openapi.json' with { type: 'json' };

type Operation = {
  security?: unknown[];
  'x-internal'?: boolean;
  responses: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string; properties?: Record<string, unknown> } } } }>;
};
// the internal test bypass is no part of the published SDK (generated/operations.public.ts)
const operations = specOperations(spec as { paths: Record<string, Record<string, Operation>> })
  .map(({ path, operation }) => ({ path, op: operation }))
  .filter(({ op }) => !op['x-internal']);

describe('auth middleware path lists', () => {
  it('PUBLIC_PATHS is exactly the set of operations with `security: []`', () => {
    const open = operations.filter(({ op }) => Array.isArray(op.security) && op.security.length === 0).map(({ path }) => path);
    expect([...PUBLIC_PATHS].sort()).toEqual([...new Set(open)].sort());
  });

  it('TOKEN_PATHS is exactly the set of operations whose success answer carries a refresh token', () => {
    const issuing = operations
      .filter(({ op }) => {
        const schema = (op.responses['200'] ?? op.responses['201'])?.content?.['application/json']?.schema;
        return (
          schema?.$ref === '#/components/schemas/AuthResult' ||
          (schema?.properties !== undefined && 'refreshToken' in schema.properties && 'expiresIn' in schema.properties)
        );
      })
      .map(({ path }) => path);
    expect([...TOKEN_PATHS].sort()).toEqual([...new Set(issuing)].sort());
  });
});
