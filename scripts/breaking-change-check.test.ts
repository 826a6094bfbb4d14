// The breaking-change gate on planted changes: a removed operation or a newly required request
// field fails it, the same change under a new major version (with its changelog section) passes,
// and an additive change needs no new major.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBreaking, latestRelease } from './breaking-change-check.ts';

type Spec = { info: { version: string }; paths: Record<string, Record<string, any>> };

const work = mkdtempSync(join(tmpdir(), 'barqnet-gate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const base = latestRelease();
// The release is YAML; Redocly (already a dependency) turns it into JSON to edit.
execFileSync(join(import.meta.dirname, '..', 'node_modules', '.bin', 'redocly'), ['bundle', base, '--ext', 'json', '-o', join(work, 'released.json')], {
  stdio: 'ignore',
});
const released = JSON.parse(readFileSync(join(work, 'released.json'), 'utf8')) as Spec;
const changelog = join(work, 'changelog.md');
writeFileSync(changelog, `# Changelog\n\n## 2.0.0\n\n- Removed things.\n\n## ${released.info.version}\n\n- First.\n`);

function revision(name: string, change: (spec: Spec) => void): string {
  const spec = structuredClone(released);
  change(spec);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const removeOperation = (spec: Spec) => delete spec.paths['/v1/vpn/stats']!['post'];
function requireNewField(spec: Spec) {
  const schema = spec.paths['/v1/auth/otp/send']!['post'].requestBody.content['application/json'].schema;
  schema.properties.locale = { type: 'string', maxLength: 35 };
  schema.required.push('locale');
}

describe('breaking-change gate', { timeout: 60_000 }, () => {
  it('passes the released spec itself', () => {
    expect(
      checkBreaking(
        base,
        revision('same', () => {}),
        changelog,
      ).ok,
    ).toBe(true);
  });

  it('fails a removed operation without a new major version', () => {
    const result = checkBreaking(base, revision('removed', removeOperation), changelog);
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(/POST \/v1\/vpn\/stats.*removed/);
  });

  it('fails a newly required request field without a new major version', () => {
    const result = checkBreaking(base, revision('required', requireNewField), changelog);
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain('locale');
  });

  it('fails a newly required request body without a new major version (redocly diff calls it minor)', () => {
    const result = checkBreaking(
      base,
      revision('body', (spec) => {
        spec.paths['/v1/auth/logout']!['post'].requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
      }),
      changelog,
    );
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain('POST /v1/auth/logout: the request body is now required');
  });

  it('passes the same breaking changes under 2.0.0', () => {
    const file = revision('major', (spec) => {
      removeOperation(spec);
      requireNewField(spec);
      spec.info.version = '2.0.0';
    });
    expect(checkBreaking(base, file, changelog)).toMatchObject({ ok: true });
  });

  it('passes an additive change without a new major version', () => {
    const file = revision('additive', (spec) => {
      const schema = spec.paths['/v1/auth/otp/send']!['post'].requestBody.content['application/json'].schema;
      schema.properties.locale = { type: 'string', maxLength: 35 };
    });
    expect(checkBreaking(base, file, changelog).ok).toBe(true);
  });

  it('fails a version the changelog does not describe', () => {
    const file = revision('undocumented', (spec) => {
      spec.info.version = '3.0.0';
    });
    const result = checkBreaking(base, file, changelog);
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain('no "## 3.0.0" section');
  });
});
