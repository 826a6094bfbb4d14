// What the contract test reached, from the server's own request log: for every operation of
// the spec, the documented statuses and those its requests got. Fails when an operation never
// reached a 2xx: a run that only ever collected 4xx for an operation never tested its success.
// Usage: node scripts/contract/coverage.ts <openapi.json> <server.log>
import { readFileSync } from 'node:fs';
import { specOperations } from '../lib/spec-operations.ts';

interface Operation {
  operationId: string;
  documented: string[];
}

export function operations(spec: { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>> }): Operation[] {
  return specOperations(spec)
    .filter(({ operation }) => operation.operationId)
    .map(({ operation }) => ({ operationId: operation.operationId!, documented: Object.keys(operation.responses ?? {}) }));
}

/** operationId -> status -> count, from the JSON `request` lines of the log. */
export function reached(log: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const line of log.split('\n')) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { operationId?: string; status: number };
    if (!entry.operationId) continue;
    const statuses = out.get(entry.operationId) ?? new Map<number, number>();
    statuses.set(entry.status, (statuses.get(entry.status) ?? 0) + 1);
    out.set(entry.operationId, statuses);
  }
  return out;
}

export function table(ops: Operation[], got: Map<string, Map<number, number>>): { lines: string[]; missing: string[] } {
  const lines = ['| operation | requests | statuses reached | documented, never reached |', '| --- | ---: | --- | --- |'];
  const missing: string[] = [];
  for (const op of ops) {
    const statuses = got.get(op.operationId) ?? new Map<number, number>();
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const seen = [...statuses.keys()].sort((a, b) => a - b);
    if (!seen.some((s) => s >= 200 && s < 300)) missing.push(op.operationId);
    const never = op.documented.filter((d) => !seen.some((s) => String(s) === d || (d.endsWith('XX') && String(s)[0] === d[0])));
    lines.push(`| ${op.operationId} | ${total} | ${seen.map((s) => `${s}×${statuses.get(s)}`).join(' ')} | ${never.join(' ')} |`);
  }
  return { lines, missing };
}

if (import.meta.main) {
  const [specPath, logPath] = process.argv.slice(2);
  if (!specPath || !logPath) {
    console.error('usage: coverage.ts <openapi.json> <server.log>');
    process.exit(2);
  }
  const ops = operations(JSON.parse(readFileSync(specPath, 'utf8')) as Parameters<typeof operations>[0]);
  const { lines, missing } = table(ops, reached(readFileSync(logPath, 'utf8')));
  console.log(lines.join('\n'));
  if (missing.length > 0) {
    console.error(`contract-test: never reached a 2xx: ${missing.join(', ')}`);
    process.exit(1);
  }
  console.log(`contract-test: all ${ops.length} operations reached a 2xx`);
}
