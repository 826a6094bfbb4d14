// After `tsc`: declaration files keep the sources' `./x.ts` specifiers (microsoft/TypeScript#61037).
// TypeScript accepts them, but other tools do not; point them at the emitted `./x.js`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.\.?\/[^'"]+)\.ts(['"])/g;
let changed = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(RELATIVE_TS, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    changed++;
  }
}
console.log(`postbuild: rewrote .ts specifiers in ${changed} declaration files`);
