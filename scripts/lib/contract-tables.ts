// Contract facts as TypeScript constants, so the server and the SDK import them instead of
// restating them: the error code -> HTTP status map (ErrorCode's x-http-status) and the table
// of operations (method, path, tag, bearer token or not, token pair in the answer or not).
import { specOperations, type Method } from './spec-operations.ts';

interface Operation {
  operationId: string;
  tags?: string[];
  security?: unknown[];
  'x-internal'?: boolean;
  responses: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string; properties?: Record<string, unknown> } } } }>;
}
export interface Document {
  security?: unknown[];
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, { enum?: string[]; 'x-http-status'?: Record<string, number>; properties?: { details?: { maxItems?: number } } }> };
}

export function errorsModule(doc: Document, banner: string): string {
  const schema = doc.components.schemas['ErrorCode'];
  const status = schema?.['x-http-status'] ?? {};
  const codes = schema?.enum ?? [];
  const missing = codes.filter((c) => !(c in status));
  if (missing.length > 0) throw new Error(`ErrorCode: no x-http-status for ${missing.join(', ')}`);
  const rows = codes.map((c) => `  ${c}: ${status[c]},`).join('\n');
  const maxDetails = doc.components.schemas['ErrorResponse']?.properties?.details?.maxItems;
  if (maxDetails === undefined) throw new Error('ErrorResponse.details: no maxItems');
  return `// ${banner}
/** The HTTP status of every error code: ErrorCode's \`x-http-status\` in openapi/. */
export const ERROR_STATUS = {
${rows}
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** How many problems an error's \`details\` lists at most: ErrorResponse's \`maxItems\`. */
export const MAX_DETAILS = ${maxDetails};
`;
}

/** An answer that hands the client a new token pair (AuthResult, or the refresh answer's shape). */
function grantsTokens(op: Operation): boolean {
  const schema = (op.responses['200'] ?? op.responses['201'])?.content?.['application/json']?.schema;
  if (schema?.$ref === '#/components/schemas/AuthResult') return true;
  return schema?.properties !== undefined && 'refreshToken' in schema.properties && 'expiresIn' in schema.properties;
}

export function operationsModule(doc: Document, banner: string): string {
  const rows: string[] = [];
  for (const { path, method, operation: op } of specOperations(doc)) {
    const secured = (op.security ?? doc.security ?? []).length > 0;
    const fields = [`method: '${method}'`, `path: '${path}'`, `tag: '${op.tags?.[0] ?? ''}'`, `secured: ${secured}`, `grantsTokens: ${grantsTokens(op)}`];
    if (op['x-internal']) fields.push('internal: true');
    rows.push(`  ${op.operationId}: { ${fields.join(', ')} },`);
  }
  return `// ${banner}
/**
 * Every operation by operationId: its method and path, its first tag, whether it needs a bearer
 * token (\`security\`), and whether its success answer carries a new token pair.
 */
export const OPERATIONS = {
${rows.join('\n')}
} as const;

export type OperationId = keyof typeof OPERATIONS;
export type Operation = (typeof OPERATIONS)[OperationId];
`;
}
