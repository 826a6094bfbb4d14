// Reads the test cases of a JUnit XML report (vitest, Schemathesis, the generated-client flows):
// one entry per <testcase>, its outcome taken from the child element, as JUnit defines it.
export interface CaseResult {
  name: string;
  outcome: 'passed' | 'failure' | 'error' | 'skipped';
}

export function junitCases(xml: string): CaseResult[] {
  const cases: CaseResult[] = [];
  const pattern = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(pattern)) {
    const name = /\bname="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? '';
    const body = match[3] ?? '';
    const outcome = /<failure\b/.test(body) ? 'failure' : /<error\b/.test(body) ? 'error' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    cases.push({ name: unescape(name), outcome });
  }
  return cases;
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
