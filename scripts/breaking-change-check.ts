// The breaking-change gate (`make test`): compares the current bundle with the last released
// spec in openapi/releases/ using `redocly diff`, and fails on a breaking (major) change unless
// the major number of info.version was raised. It also wants a `## <version>` section in
// docs/changelog.md for the current version, so every release says what changed.
//
//   node scripts/breaking-change-check.ts            check generated/openapi.yaml
//   node scripts/breaking-change-check.ts --release  freeze it as openapi/releases/<version>.yaml
//                                                    (--force to replace an existing release)
import { ROOT } from './lib/root.ts';
import { specOperations } from './lib/spec-operations.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = ROOT;
const RELEASES = join(root, 'openapi', 'releases');
const CURRENT = join(root, 'generated', 'openapi.yaml');
const CHANGELOG = join(root, 'docs', 'changelog.md');

interface Verdict {
  message: string;
}
interface DiffReport {
  infoVersions: { base: string; revision: string };
  summary: { major: number; minor: number; patch: number };
  changes: { path: string; impact: string; verdicts: Verdict[] }[];
}

export interface GateResult {
  ok: boolean;
  lines: string[];
}

const major = (version: string) => Number.parseInt(version.split('.')[0] ?? '', 10);

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** The newest openapi/releases/<semver>.yaml. */
export function latestRelease(dir = RELEASES): string {
  const versions = readdirSync(dir)
    .map((name) => /^(\d+\.\d+\.\d+)\.yaml$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort(compareVersions);
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no released spec in ${dir}`);
  return join(dir, `${newest}.yaml`);
}

const redocly = (args: string[]) =>
  execFileSync(join(root, 'node_modules', '.bin', 'redocly'), args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });

export function diff(base: string, revision: string): DiffReport {
  return JSON.parse(redocly(['diff', base, revision, '--format', 'json', '--fail-on', 'none'])) as DiffReport;
}

type Operation = { requestBody?: { required?: boolean; $ref?: string } };
type Document = { paths?: Record<string, Record<string, Operation>>; components?: { requestBodies?: Record<string, { required?: boolean }> } };

/** A YAML or JSON document as data (Redocly, already a dependency, turns YAML into JSON). */
function load(file: string): Document {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8')) as Document;
  const dir = mkdtempSync(join(tmpdir(), 'barqnet-gate-'));
  try {
    redocly(['bundle', file, '--ext', 'json', '-o', join(dir, 'spec.json')]);
    return JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as Document;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Operations whose request body became required. `redocly diff` rates an added or newly
 * required body "minor", yet every client that sent none is then refused.
 */
export function bodiesMadeRequired(base: string, revision: string): string[] {
  const [before, after] = [load(base), load(revision)];
  const required = (doc: Document, op: Operation | undefined) => {
    const body = op?.requestBody;
    const named = body?.$ref?.replace('#/components/requestBodies/', '');
    return Boolean(named ? doc.components?.requestBodies?.[named]?.required : body?.required);
  };
  return specOperations(after)
    .filter(({ path, method, operation }) => {
      const earlier = before.paths?.[path]?.[method];
      return earlier !== undefined && required(after, operation) && !required(before, earlier);
    })
    .map(({ path, method }) => `${method.toUpperCase()} ${path}: the request body is now required`);
}

export function checkBreaking(base: string, revision: string, changelog = CHANGELOG): GateResult {
  const report = diff(base, revision);
  const { base: released, revision: current } = report.infoVersions;
  const lines = [
    `${relative(root, revision)} (${current}) against the released ${released}: ${report.summary.major} major, ${report.summary.minor} minor, ${report.summary.patch} patch`,
  ];
  let ok = true;
  if (compareVersions(current, released) < 0) {
    ok = false;
    lines.push(`info.version went backwards: ${current} < ${released}`);
  }
  const breaking = report.changes
    .filter((change) => change.impact === 'major')
    .flatMap((change) => (change.verdicts.length > 0 ? change.verdicts : [{ message: 'changed' }]).map((verdict) => `${change.path}: ${verdict.message}`));
  if (report.changes.some((change) => change.path.endsWith('/requestBody'))) breaking.push(...bodiesMadeRequired(base, revision));
  if (breaking.length > 0 && !(major(current) > major(released))) {
    ok = false;
    lines.push(`Breaking changes need a new major version (info.version ${current} -> ${major(released) + 1}.0.0), or a compatible design:`);
    for (const line of breaking) lines.push(`  - ${line}`);
  }
  const log = existsSync(changelog) ? readFileSync(changelog, 'utf8') : '';
  if (!new RegExp(`^## \\[?${current.replace(/\./g, '\\.')}\\]?(\\s|$)`, 'm').test(log)) {
    ok = false;
    lines.push(`${relative(root, changelog)} has no "## ${current}" section: list the changes of this version there.`);
  }
  return { ok, lines };
}

function release(force: boolean): number {
  const text = readFileSync(CURRENT, 'utf8');
  const version = /^ {2}version: ['"]?([0-9.]+)/m.exec(text)?.[1];
  if (!version) throw new Error(`no info.version in ${CURRENT}`);
  const target = join(RELEASES, `${version}.yaml`);
  if (existsSync(target) && !force) {
    console.error(`${version} is already released (${target}); raise info.version, or pass --force before it ships.`);
    return 1;
  }
  const body = text.replace(/^# DO NOT EDIT.*\n/, '');
  writeFileSync(
    target,
    `# BarqNet API ${version} as released: frozen, never edited. The breaking-change gate\n# (scripts/breaking-change-check.ts) compares the current bundle with the newest file here.\n${body}`,
  );
  console.log(`released ${version} as ${target}`);
  return 0;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args.includes('--release')) process.exit(release(args.includes('--force')));
  const result = checkBreaking(latestRelease(), CURRENT);
  for (const line of result.lines) (result.ok ? console.log : console.error)(line);
  if (result.ok) console.log('breaking-change check passed');
  process.exit(result.ok ? 0 : 1);
}
