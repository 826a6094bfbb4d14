// Before any tier: the SDK imports generated/ through its own copy (clients/typescript/src/generated,
// git-ignored), so refresh that copy the way its build does, without touching dist/.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, [new URL('../clients/typescript/scripts/prebuild.mjs', import.meta.url).pathname, '--types-only']);
}
