// `make check-generated` (part of `make test`) must fail when a file in generated/ is edited by
// hand: here the check runs against a copy of generated/ with one byte changed.
import { cpSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, OUTPUTS } from './generate.ts';
import { checkDrift } from './lib/drift.ts';

const committed = fileURLToPath(new URL('../generated', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'barqnet-generated-copy-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const names = () => OUTPUTS;
const check = (dir: string) => checkDrift({ build: generate, committed: dir, names, what: 'generated/', fix: 'make generate' });

describe('check-generated', () => {
  it('checkGenerated_committedFiles_pass', () => {
    expect(check(committed)).toBe(0);
  });

  it('checkGenerated_handEditedTypes_fails', () => {
    cpSync(committed, copy, { recursive: true });
    appendFileSync(join(copy, 'types.ts'), '// a hand edit\n');
    expect(check(copy)).toBe(1);
  });

  it('checkGenerated_handEditedErrorTable_fails', () => {
    cpSync(committed, copy, { recursive: true });
    appendFileSync(join(copy, 'errors.ts'), '// a hand edit\n');
    expect(check(copy)).toBe(1);
  });

  it('checkGenerated_handEditedBundle_fails', () => {
    cpSync(committed, copy, { recursive: true });
    appendFileSync(join(copy, 'openapi.public.yaml'), '# a hand edit\n');
    expect(check(copy)).toBe(1);
  });
});
