// Before `tsc`: empty dist/ (no stale files get published) and copy the repository's generated
// public types, operation table and error statuses into the package so the build carries them.
// generated/ stays the one source of truth; the copy is git-ignored. Plain .mjs so it runs on any Node >= 20.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
// The PUBLIC contract's types and operation table: the internal test operation is no part of
// what clients install. errors.ts is the code -> HTTP status map.
const files = { 'types.public.ts': 'types.ts', 'operations.public.ts': 'operations.ts', 'errors.ts': 'errors.ts' };
if (!process.argv.includes('--types-only')) rmSync(join(pkg, 'dist'), { recursive: true, force: true });
mkdirSync(join(pkg, 'src', 'generated'), { recursive: true });
for (const [from, to] of Object.entries(files)) copyFileSync(join(pkg, '..', '..', 'generated', from), join(pkg, 'src', 'generated', to));
