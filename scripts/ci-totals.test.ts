import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, totalsLine } from './ci-totals.ts';

const VITEST = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="4" failures="1" errors="0" time="1.0">
  <testsuite name="a.test.ts" tests="4" failures="1" errors="0" skipped="1">
    <testcase classname="a.test.ts" name="one &amp; two" time="0.1"></testcase>
    <testcase classname="a.test.ts" name="fails" time="0.1"><failure message="boom">x</failure></testcase>
    <testcase classname="a.test.ts" name="skipped" time="0"><skipped/></testcase>
    <testcase classname="a.test.ts" name="self-closing" time="0.1"/>
  </testsuite>
</testsuites>`;
const SCHEMATHESIS = `<testsuites><testsuite name="schemathesis" tests="2">
<testcase name="GET /health" time="1"/><testcase name="POST /v1/auth/login" time="1"><error type="error">e</error></testcase>
</testsuite></testsuites>`;
const RESPECT = JSON.stringify({
  files: {
    'auth.arazzo.yaml': {
      executedWorkflows: [
        { workflowId: 'signIn', status: 'success' },
        { workflowId: 'logout', status: 'error' },
      ],
    },
  },
});

describe('ci-totals', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('collect_junitRespectAndChecks_sumsEveryOutcome', () => {
    dir = mkdtempSync(join(tmpdir(), 'ci-totals-'));
    writeFileSync(join(dir, 'vitest-junit.xml'), VITEST);
    writeFileSync(join(dir, 'schemathesis-junit.xml'), SCHEMATHESIS);
    writeFileSync(join(dir, 'respect.json'), RESPECT);
    const totals = collect(dir, ['make-test=2', 'make-soak=0']);
    // passed: 2 vitest + 1 schemathesis + 1 workflow + the soak; failed: 1 + 1 + 1 + make test
    expect(totalsLine(totals)).toBe('5 passed, 4 failed, 1 skipped');
    expect(totals.failures).toEqual([
      'schemathesis-junit.xml: POST /v1/auth/login (error)',
      'vitest-junit.xml: fails (failure)',
      'auth.arazzo.yaml: logout (error)',
      'make-test (exit 2)',
    ]);
  });

  it('collect_noReports_countsOnlyTheChecks', () => {
    dir = mkdtempSync(join(tmpdir(), 'ci-totals-'));
    expect(totalsLine(collect(join(dir, 'absent'), ['make-test=0']))).toBe('1 passed, 0 failed');
  });

  it('collect_malformedCheck_throws', () => {
    dir = mkdtempSync(join(tmpdir(), 'ci-totals-'));
    expect(() => collect(dir, ['make-test'])).toThrow(/NAME=STATUS/);
  });
});
