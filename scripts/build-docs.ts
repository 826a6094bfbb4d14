// Builds the published docs from the PUBLIC bundle (the x-internal test bypass is not in it):
// docs/index.html, a Redoc page that renders offline (script, styles and spec inlined, no CDN,
// no telemetry), and docs/errors.md (scripts/errors-doc.ts). `--check` builds into a temporary
// folder and fails on any difference, like scripts/generate.ts, so stale docs break `make test`.
import { ROOT } from './lib/root.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BANNER, renderErrorsDoc, type Spec } from './errors-doc.ts';
import { checkDrift } from './lib/drift.ts';
import { withoutSoftBreaks } from './lib/soft-breaks.ts';

const root = ROOT;
const SPEC = join(root, 'generated', 'openapi.public.json');
export const OUTPUTS = ['index.html', 'errors.md'] as const;

// Redoc 3 shows its "API docs by" badge as an <img> from cdn.redoc.ly; an inline SVG keeps the
// attribution without a request leaving the machine.
const BADGE =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='48' height='14'%3E%3Ctext x='0' y='11' font-family='sans-serif' font-size='11' fill='%23444'%3ERedocly%3C/text%3E%3C/svg%3E";
const REPLACE: Array<[RegExp, string]> = [[/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, BADGE]];

// Anything that would make the page fetch from the network when it loads.
const EXTERNAL: Array<[RegExp, string]> = [
  [/<script\b[^>]*\bsrc\s*=/i, 'a <script src=...>'],
  [/<link\b[^>]*\bhref\s*=\s*["']?(https?:)?\/\//i, 'a <link> to another host'],
  [/\bimport\s*(\{[^}]*\}\s*from\s*)?["']https?:/i, 'an import from a URL'],
  [/fonts\.(googleapis|gstatic)\.com/i, 'a web font'],
  [/cdn\.redoc\.ly|cdn\.redocly\.com\/redoc\//i, 'a Redoc CDN URL'],
  [/@import\s+url\(\s*["']?https?:/i, 'a CSS @import from a URL'],
];

export function selfContainedProblems(html: string): string[] {
  return EXTERNAL.filter(([pattern]) => pattern.test(html)).map(([, what]) => `docs/index.html contains ${what}`);
}

// Schemas get pages of their own (`#/schemas/errorcode`), so a description can link to one.
const REDOC_OPTIONS = ['--openapi.schemaDefinitionsTagName=Schemas'];

function buildHtml(file: string): void {
  // Redoc indexes descriptions for search with their line breaks dropped: build from a copy without soft breaks.
  const work = mkdtempSync(join(tmpdir(), 'barqnet-docs-'));
  const spec = join(work, 'openapi.public.json');
  writeFileSync(spec, JSON.stringify(withoutSoftBreaks(JSON.parse(readFileSync(SPEC, 'utf8')))));
  const args = ['build-docs', spec, '-o', file, '--inlineBundle', '--lint-config', 'off', ...REDOC_OPTIONS];
  try {
    // REDOCLY_TELEMETRY=off also writes `disableTelemetry: true` into the page's Redoc options.
    execFileSync(join(root, 'node_modules', '.bin', 'redocly'), args, {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
  } catch (error) {
    process.stderr.write((error as { stderr?: Buffer }).stderr ?? '');
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  let html = readFileSync(file, 'utf8');
  for (const [pattern, value] of REPLACE) html = html.replace(pattern, value);
  if (!html.includes('"disableTelemetry":true')) throw new Error('docs/index.html: Redoc telemetry is not disabled');
  const problems = selfContainedProblems(html);
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nThe page must render offline; update the post-processing in scripts/build-docs.ts.`);
  writeFileSync(file, html.replace(/^<!DOCTYPE html>\n?/i, `<!DOCTYPE html>\n<!-- ${BANNER} -->\n`));
}

export function buildDocs(out: string): void {
  buildHtml(join(out, 'index.html'));
  const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as Spec;
  writeFileSync(join(out, 'errors.md'), renderErrorsDoc(spec));
}

if (import.meta.main) {
  if (process.argv.includes('--check')) {
    process.exit(
      checkDrift({ build: buildDocs, committed: join(root, 'docs'), names: () => [...OUTPUTS], what: 'docs/index.html and docs/errors.md', fix: 'make docs' }),
    );
  }
  buildDocs(join(root, 'docs'));
  console.log('docs/index.html and docs/errors.md rebuilt from generated/openapi.public.json');
}
