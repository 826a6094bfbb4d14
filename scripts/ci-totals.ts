// The one line CI ends with: `N passed, N failed, N skipped`, summed over everything the run
// executed: every JUnit report in reports/ (vitest, Schemathesis, the generated-client flows),
// the Arazzo workflows of reports/respect.json, and each `--check name=exitStatus` given for a
// step that has no report of its own (the soak; `make test` itself, whose lint, drift and
// type checks stop the run before any report when they fail). Exits 1 when anything failed.
//
//   node scripts/ci-totals.ts [--reports DIR] [--check NAME=STATUS ...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { junitCases } from './lib/junit.ts';

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

interface RespectReport {
  files: Record<string, { executedWorkflows: { workflowId: string; status: string }[] }>;
}

export function collect(dir: string, checks: string[]): Totals {
  const totals: Totals = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const file of files.filter((f) => f.endsWith('.xml'))) {
    for (const c of junitCases(readFileSync(join(dir, file), 'utf8'))) {
      if (c.outcome === 'passed') totals.passed++;
      else if (c.outcome === 'skipped') totals.skipped++;
      else {
        totals.failed++;
        totals.failures.push(`${file}: ${c.name} (${c.outcome})`);
      }
    }
  }
  if (files.includes('respect.json')) {
    const report = JSON.parse(readFileSync(join(dir, 'respect.json'), 'utf8')) as RespectReport;
    for (const [file, result] of Object.entries(report.files)) {
      for (const workflow of result.executedWorkflows) {
        if (workflow.status === 'success') totals.passed++;
        else {
          totals.failed++;
          totals.failures.push(`${file}: ${workflow.workflowId} (${workflow.status})`);
        }
      }
    }
  }
  for (const check of checks) {
    const at = check.lastIndexOf('=');
    const name = check.slice(0, at);
    if (at < 1 || !/^\d+$/.test(check.slice(at + 1))) throw new Error(`--check wants NAME=STATUS, got "${check}"`);
    if (check.slice(at + 1) === '0') totals.passed++;
    else {
      totals.failed++;
      totals.failures.push(`${name} (exit ${check.slice(at + 1)})`);
    }
  }
  return totals;
}

export function totalsLine(t: Totals): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped > 0 ? `, ${t.skipped} skipped` : ''}`;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { reports: { type: 'string', default: 'reports' }, check: { type: 'string', multiple: true, default: [] } } });
  const totals = collect(values.reports, values.check);
  for (const failure of totals.failures) console.log(`failed: ${failure}`);
  console.log(totalsLine(totals));
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}
