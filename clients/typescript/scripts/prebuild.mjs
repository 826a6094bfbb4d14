// Before `tsc`: empty dist/ (no stale files get published) and copy the repository's generated
// OpenAPI types into the package so the build carries them. generated/types.ts stays the one
// source of truth; the copy is git-ignored. Plain .mjs so it runs on any Node >= 20.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(pkg, '..', '..', 'generated', 'types.ts');
const to = join(pkg, 'src', 'generated', 'types.ts');
if (!process.argv.includes('--types-only')) rmSync(join(pkg, 'dist'), { recursive: true, force: true });
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
