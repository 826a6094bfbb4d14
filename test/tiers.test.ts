// Every test file is in exactly one tier, and a unit test starts no process, opens no socket and
// touches no database, so `make unit` stays fast and runs anywhere.
import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL, NOT_UNIT, TIERS } from './tiers.ts';

const root = new URL('..', import.meta.url).pathname;
const files = (patterns: readonly string[]) => new Set(patterns.flatMap((p) => globSync(p, { cwd: root, exclude: (f) => f.includes('node_modules') })));
const unit = [...files(ALL)].filter((f) => !files(NOT_UNIT).has(f));
const FORBIDDEN = /from '(node:child_process|node:net|node:http|playwright-core|pg|[^']*\/(harness|testing|processes|server-process|openvpn)\.ts)'/;

describe('test tiers', () => {
  it('everyPattern_matchesAFile_andNoFileIsInTwoTiers', () => {
    const seen = new Map<string, string>();
    for (const [tier, patterns] of Object.entries(TIERS)) {
      for (const pattern of patterns) expect(files([pattern]).size, pattern).toBeGreaterThan(0);
      for (const file of files(patterns)) {
        expect(seen.get(file), `${file} in ${tier}`).toBeUndefined();
        seen.set(file, tier);
      }
    }
  });

  it('unitTests_importNoProcessSocketBrowserOrDatabase', () => {
    expect(unit.length).toBeGreaterThan(10);
    const impure = unit.filter((f) => FORBIDDEN.test(readFileSync(`${root}/${f}`, 'utf8')));
    expect(impure).toEqual([]);
  });
});
