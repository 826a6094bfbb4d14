// The breaking-change gate (`make test`): compares the current bundle with the last released
// spec in openapi/releases/ using `redocly diff`, and fails on a breaking (major) change unless
// the major number of info.version was raised. It also wants a `## <version>` section in
// docs/changelog.md for the current version, so every release says what changed.
//
//   node scripts/breaking-change-check.ts            check generated/openapi.yaml
//   node scripts/breaking-change-check.ts --release  freeze it as openapi/releases/<version>.yaml
//                                                    (--force to replace an existing release)
import { ROOT } from './lib/root.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function diff(base: string, revision: string): DiffReport {
  const out = execFileSync(join(root, 'node_modules', '.bin', 'redocly'), ['diff', base, revision, '--format', 'json', '--fail-on', 'none'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as DiffReport;
}

export function checkBreaking(base: string, revision: string, changelog = CHANGELOG): GateResult {
  const report = diff(base, revision);
  const { base: released, revision: current } = report.infoVersions;
  const lines = [`${relative(root, revision)} (${current}) against the released ${released}: ${report.summary.major} major, ${report.summary.minor} minor, ${report.summary.patch} patch`];
  let ok = true;
  if (compareVersions(current, released) < 0) {
    ok = false;
    lines.push(`info.version went backwards: ${current} < ${released}`);
  }
  const breaking = report.changes.filter((change) => change.impact === 'major');
  if (breaking.length > 0 && !(major(current) > major(released))) {
    ok = false;
    lines.push(`Breaking changes need a new major version (info.version ${current} -> ${major(released) + 1}.0.0), or a compatible design:`);
    for (const change of breaking) {
      for (const verdict of change.verdicts.length > 0 ? change.verdicts : [{ message: 'changed' }]) lines.push(`  - ${change.path}: ${verdict.message}`);
    }
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
  writeFileSync(target, `# BarqNet API ${version} as released: frozen, never edited. The breaking-change gate\n# (scripts/breaking-change-check.ts) compares the current bundle with the newest file here.\n${body}`);
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
