// TypeScript blocks of the guides: type-checked as modules of a throw-away project that imports
// @barqnet/client from the workspace sources, and run with Node's type stripping.
import { ROOT } from './root.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = ROOT;
const SDK = join(root, 'clients', 'typescript');
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

export interface TsSnippet {
  /** Where the block is, for messages: `docs/clients.md:37`. */
  where: string;
  text: string;
}

/** A block's own file name when its first line says one (`// src/main/api.ts`), else a numbered one. */
function fileFor(snippet: TsSnippet, index: number): string {
  const named = /^\/\/ (src\/[\w/.-]+\.ts)\b/.exec(snippet.text)?.[1];
  return named ?? `snippets/${String(index).padStart(2, '0')}-${snippet.where.replace(/[^\w]+/g, '_')}.ts`;
}

/**
 * Type-checks every snippet in one program. `globals` is a declaration script (no imports or
 * exports) for what the fragments take from the surrounding app (`client`, `mainWindow`, ...).
 * Returns tsc's output with each file name mapped back to its guide and line; '' when clean.
 */
export function typecheckSnippets(dir: string, snippets: TsSnippet[], globals: string): string {
  const names = new Map<string, string>();
  snippets.forEach((snippet, i) => {
    const file = fileFor(snippet, i);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(
      join(dir, file),
      snippet.text.includes('import ') || snippet.text.includes('export ') ? `${snippet.text}\n` : `${snippet.text}\nexport {};\n`,
    );
    names.set(file, snippet.where);
  });
  writeFileSync(join(dir, 'globals.d.ts'), globals);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022'],
        module: 'preserve',
        moduleResolution: 'bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        paths: { '@barqnet/client': [join(SDK, 'src', 'index.ts')], '@barqnet/client/node': [join(SDK, 'src', 'node.ts')] },
      },
      include: ['**/*.ts'],
    }),
  );
  const result = spawnSync(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { encoding: 'utf8', timeout: 90_000 });
  let out = (result.stdout + result.stderr).trim();
  for (const [file, where] of names) out = out.replaceAll(file, `${where} (${file})`);
  if (result.status !== 0 && out === '') return `tsc failed (status ${result.status}, signal ${result.signal})`;
  return out;
}

/** Runs one snippet (`prelude` first) as an ES module, with @barqnet/client from the workspace sources. Asynchronous: the servers it talks to keep being read. */
export function runSnippet(dir: string, name: string, text: string, prelude: string, timeoutMs = 40_000): Promise<{ status: number | null; output: string }> {
  const code = text
    .replaceAll("'@barqnet/client/node'", `'${pathToFileURL(join(SDK, 'src', 'node.ts')).href}'`)
    .replaceAll("'@barqnet/client'", `'${pathToFileURL(join(SDK, 'src', 'index.ts')).href}'`);
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, `${prelude}\n${code}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, output: `${output}${signal ? `\nkilled by ${signal}` : ''}` });
    });
  });
}
