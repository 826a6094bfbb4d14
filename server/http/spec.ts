// The bundled contract, loaded once, and a matcher over its paths: it answers 404 and 405
// (with `Allow`) before any other work, and tells which operations need a bearer token.
import { readFileSync } from 'node:fs';
import { OPERATIONS, type Operation } from '../../generated/operations.ts';

type Method = Operation['method'];

interface OperationInfo {
  operationId: string;
  method: Method;
  path: string;
  expressPath: string;
  secured: boolean;
}

export interface Spec {
  document: Record<string, unknown>;
  operations: OperationInfo[];
  match(method: string, path: string): { kind: 'ok'; operation: OperationInfo } | { kind: 'no-path' } | { kind: 'no-method'; allow: string };
}

export function loadSpec(file = new URL('../../generated/openapi.json', import.meta.url)): Spec {
  // The validator reads the document; the operation table is generated from it (generated/operations.ts).
  const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const operations: OperationInfo[] = Object.entries(OPERATIONS).map(([operationId, op]) => ({
    operationId,
    method: op.method,
    path: op.path,
    expressPath: op.path.replace(/\{(\w+)\}/g, ':$1'),
    secured: op.secured,
  }));
  const matchers: { regex: RegExp; byMethod: Map<string, OperationInfo> }[] = [];
  for (const path of new Set(operations.map((o) => o.path))) {
    const byMethod = new Map(operations.filter((o) => o.path === path).map((o) => [o.method.toUpperCase(), o]));
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+');
    matchers.push({ regex: new RegExp(`^${pattern}/?$`), byMethod });
  }
  return {
    document,
    operations,
    match(method, path) {
      const found = matchers.find((m) => m.regex.test(path));
      if (!found) return { kind: 'no-path' };
      const operation = found.byMethod.get(method.toUpperCase());
      if (!operation) return { kind: 'no-method', allow: [...found.byMethod.keys()].join(', ') };
      return { kind: 'ok', operation };
    },
  };
}

/** The same spec with one operation gone: its path answers 404 (or 405 when others remain). */
export function withoutOperation(spec: Spec, operationId: string): Spec {
  const gone = spec.operations.find((o) => o.operationId === operationId);
  if (!gone) return spec;
  return {
    ...spec,
    operations: spec.operations.filter((o) => o !== gone),
    match(method, path) {
      const found = spec.match(method, path);
      const probe = spec.match(gone.method, path);
      if (probe.kind !== 'ok' || probe.operation !== gone) return found;
      if (found.kind === 'ok' && found.operation !== gone) return found;
      const allow = found.kind === 'no-method' ? found.allow.split(', ').filter((m) => m !== gone.method.toUpperCase()) : [];
      return allow.length > 0 ? { kind: 'no-method', allow: allow.join(', ') } : { kind: 'no-path' };
    },
  };
}
