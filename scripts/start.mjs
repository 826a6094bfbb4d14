// `npm start`: the server needs Node 24 (type stripping, node:sqlite, crypto.argon2). On an older
// Node this runs the project-local Node 24 of `make install` when there is one, and otherwise says
// what to do instead of failing with ERR_UNKNOWN_FILE_EXTENSION. Plain .mjs, so any Node runs it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const local = `${root}.tools/node_modules/node/bin/node`;
const major = Number(process.versions.node.split('.')[0]);
const node = major >= 24 ? process.execPath : existsSync(local) ? local : undefined;
if (!node) {
  process.stderr.write(
    `The BarqNet server needs Node 24 or newer; this is Node ${process.version}.\n` +
      'Run `make start` instead (it installs a project-local Node 24 into .tools/ first), or `make install` once and then `npm start` again.\n',
  );
  process.exit(1);
}
const child = spawn(node, ['--env-file-if-exists=.env', `${root}server/main.ts`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the whole process group, the server included; a SIGTERM sent to this process is passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
