// Fails unless the Schemathesis JUnit report has a test case for every operation of the spec,
// none of them failed, errored or skipped: a run that silently dropped an operation (a filter, a
// schema error, an auth failure) must not pass as green.
// Usage: node scripts/contract/check-junit.ts <openapi.json> <junit.xml>
import { readFileSync } from 'node:fs';
import { junitCases, type CaseResult } from '../lib/junit.ts';
import { specOperations } from '../lib/spec-operations.ts';

/** Every operation as Schemathesis names its test case: `POST /v1/auth/login`. */
export function caseNames(spec: { paths: Record<string, Record<string, unknown>> }): string[] {
  return specOperations(spec).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
}

export function problems(operations: string[], cases: CaseResult[]): string[] {
  const byName = new Map(cases.map((c) => [c.name, c.outcome]));
  return operations.flatMap((op) => {
    const outcome = byName.get(op);
    if (outcome === undefined) return [`${op}: not in the report`];
    return outcome === 'passed' ? [] : [`${op}: ${outcome}`];
  });
}

if (import.meta.main) {
  const [specPath, junitPath] = process.argv.slice(2);
  if (!specPath || !junitPath) {
    console.error('usage: check-junit.ts <openapi.json> <junit.xml>');
    process.exit(2);
  }
  const operations = caseNames(JSON.parse(readFileSync(specPath, 'utf8')) as Parameters<typeof caseNames>[0]);
  const found = problems(operations, junitCases(readFileSync(junitPath, 'utf8')));
  if (found.length > 0) {
    console.error(`contract-test: the JUnit report does not show every operation passing:\n  ${found.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`contract-test: JUnit report lists all ${operations.length} operations, all passed`);
}
