// Before `tsc`: empty dist/ (no stale files get published) and copy the repository's generated
// public OpenAPI types into the package so the build carries them. generated/types.public.ts stays the one
// source of truth; the copy is git-ignored. Plain .mjs so it runs on any Node >= 20.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
// The PUBLIC contract's types: the internal test operation is no part of what clients install.
const from = join(pkg, '..', '..', 'generated', 'types.public.ts');
const to = join(pkg, 'src', 'generated', 'types.ts');
if (!process.argv.includes('--types-only')) rmSync(join(pkg, 'dist'), { recursive: true, force: true });
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
