// The bundled contract, loaded once, and a matcher over its paths: it answers 404 and 405
// (with `Allow`) before any other work, and tells which operations need a bearer token.
import { readFileSync } from 'node:fs';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

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
  const document = JSON.parse(readFileSync(file, 'utf8')) as {
    security?: unknown[];
    paths: Record<string, Partial<Record<Method, { operationId: string; security?: unknown[] }>>>;
  };
  const operations: OperationInfo[] = [];
  const matchers: { regex: RegExp; byMethod: Map<string, OperationInfo> }[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const byMethod = new Map<string, OperationInfo>();
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const info: OperationInfo = {
        operationId: op.operationId,
        method,
        path,
        expressPath: path.replace(/\{(\w+)\}/g, ':$1'),
        secured: (op.security ?? document.security ?? []).length > 0,
      };
      operations.push(info);
      byMethod.set(method.toUpperCase(), info);
    }
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+');
    matchers.push({ regex: new RegExp(`^${pattern}/?$`), byMethod });
  }
  return {
    document: document as unknown as Record<string, unknown>,
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
