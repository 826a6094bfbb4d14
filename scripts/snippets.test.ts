// Every fenced block of README.md and docs/*.md is executed or explicitly excused: shell commands
// run against a live server (as `make start`: console SMS in its log; or in test mode) and the
// mock, their shown answers compared in shape; JSON blocks parse, API bodies fit the contract, log
// lines match what the server logs; TypeScript blocks type-check against the SDK and the runnable
// ones run. A block of any other kind, or a command that matches no entry below, fails the test.
import { ROOT } from './lib/root.ts';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, startServer, type Running } from '../clients/typescript/test/processes.ts';
import { consoleCommands, extractBlocks, shellCommands, shownShape, type Block, type Command } from './lib/snippets.ts';
import { Terminal } from './lib/snippet-shell.ts';
import { bodyProblems } from './lib/snippet-contract.ts';
import { runSnippet, typecheckSnippets } from './lib/snippet-ts.ts';
import { TS_GLOBALS, tsRuntime } from './lib/snippet-globals.ts';

const root = ROOT;
// docs/benchmarks.md is output of `make bench`, not a guide.
const FILES = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'benchmarks.md')
    .sort()
    .map((f) => `docs/${f}`),
];
const BLOCKS = FILES.flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));

/** Languages nothing here can run: the block must only be there and not be empty. */
const PRESENT_ONLY: Record<string, string> = {
  mermaid: 'a diagram, rendered by the Markdown viewer',
  kotlin: 'Android code: needs the Android SDK; the generated Kotlin client is compiled and run by `make clients-test`',
  swift: 'iOS code: needs Xcode, which this Linux machine has not',
  dart: 'Flutter code: no Dart SDK on this machine',
  java: 'the generated Java client is compiled and run by `make clients-test`',
  python: 'the generated Python client is run by `make clients-test`',
};
/** Shell commands that are not run, each with the reason. Every entry must match a command. */
const NOT_RUN: { file: string; command: RegExp; reason: string }[] = [
  { file: 'README.md', command: /^make start\b/, reason: 'starts a server that runs until stopped; the test starts the same one itself' },
  { file: 'docs/quickstart.md', command: /^make start$/, reason: 'starts a server that runs until stopped; the test starts the same one itself' },
  { file: 'docs/mock.md', command: /^make mock$/, reason: 'runs until stopped; the test starts scripts/mock.ts itself' },
  { file: 'docs/clients.md', command: /^npm install @barqnet\/client$/, reason: 'installs from the npm registry; the test uses the workspace package' },
  { file: 'docs/operations.md', command: /^NODE_ENV=production\b/, reason: 'a production start: needs real secrets, PostgreSQL and a Twilio account' },
  { file: 'docs/operations.md', command: /^sqlite3 /, reason: 'needs the sqlite3 shell and the data/ of a running server' },
  { file: 'docs/operations.md', command: /^pg_dump /, reason: 'needs a production PostgreSQL database' },
  {
    file: 'docs/clients.md',
    command: /^curl -fsSLO https:\/\/repo1\.maven\.org\//,
    reason: 'make clients (in make test) downloads the same pinned jar, sha1-checked (scripts/clients/generate)',
  },
  {
    file: 'docs/clients.md',
    command: /^java -jar openapi-generator-cli-/,
    reason: 'make clients (in make test) runs this generation with every config of clients/config/ (scripts/clients/generate)',
  },
  { file: 'docs/operations.md', command: /^pg_restore /, reason: 'needs a production PostgreSQL database and its dump' },
  {
    file: 'docs/operations.md',
    command: /^OTEL_TRACES_EXPORTER=otlp /,
    reason: 'runs until stopped and exports to an OpenTelemetry collector; server/lib/tracing.test.ts tests the spans',
  },
];
/** TypeScript blocks: all are type-checked; each is either run (`run`) or excused (`reason`). */
const TS_BLOCKS: { file: string; contains: string; run?: true; reason?: string }[] = [
  { file: 'README.md', contains: "createBarqnetClient({ baseUrl: 'http://localhost:8080' })", run: true },
  { file: 'docs/quickstart.md', contains: 'client.register({', run: true },
  { file: 'docs/mock.md', contains: "Prefer: 'code=503'", reason: 'needs a signed-in client; the Prefer header itself is tested by scripts/mock.test.ts' },
  { file: 'docs/clients.md', contains: '// src/main/api.ts', reason: 'Electron main process' },
  { file: 'docs/clients.md', contains: '// src/main/token-store.ts', reason: 'Electron safeStorage and electron-store' },
  { file: 'docs/clients.md', contains: 'password: () => askRenderer', reason: 'fragment of an Electron app (IPC to the renderer)' },
  { file: 'docs/clients.md', contains: 'const { sessionId } = await client.auth.sendOtp', reason: 'fragment: the values come from app screens' },
  { file: 'docs/clients.md', contains: 'await client.loginWithPassword', reason: 'fragment: the values come from app screens' },
  { file: 'docs/clients.md', contains: 'import { NetworkError', reason: "fragment: the UI functions are the app's" },
  { file: 'docs/clients.md', contains: 'new VpnReporter({', reason: 'needs an OpenVPN tunnel and Electron' },
  { file: 'docs/clients.md', contains: 'against a NODE_ENV=test TEST_MODE=1 server', run: true },
];

const kind = (block: Block) => (['console', 'sh', 'bash', 'ts', 'json'].includes(block.lang) ? block.lang : PRESENT_ONLY[block.lang] ? 'present' : 'unknown');
const commandsOf = (block: Block): Command[] =>
  block.lang === 'console' ? consoleCommands(block) : block.lang === 'ts' || block.lang === 'json' ? [] : kind(block) === 'present' ? [] : shellCommands(block);
const tsEntry = (block: Block) => TS_BLOCKS.filter((e) => e.file === block.file && block.text.includes(e.contains));
const excused = (command: Command) => NOT_RUN.find((e) => e.file === command.block.file && e.command.test(command.text.trimStart()));

describe('the code blocks of README.md and docs/*.md', () => {
  it('are each of a kind the runner executes or of a listed language, and not empty', () => {
    expect(BLOCKS.length).toBeGreaterThan(20);
    const problems = BLOCKS.flatMap((b) => [
      ...(kind(b) === 'unknown'
        ? [`${b.file}:${b.line}: a \`${b.lang || '(no language)'}\` block: the runner does not know it; run it or list it in PRESENT_ONLY with the reason`]
        : []),
      ...(b.text.trim() === '' ? [`${b.file}:${b.line}: empty block`] : []),
      ...(b.lang === 'ts' && tsEntry(b).length !== 1 ? [`${b.file}:${b.line}: ts block matches ${tsEntry(b).length} TS_BLOCKS entries, needs exactly 1`] : []),
    ]);
    expect(problems).toEqual([]);
  });

  it('every allow-list entry still matches a block (none is stale)', () => {
    const commands = BLOCKS.flatMap(commandsOf);
    const stale = [
      ...NOT_RUN.filter((e) => !commands.some((c) => excused(c) === e)).map((e) => `NOT_RUN ${e.file} ${e.command}`),
      ...TS_BLOCKS.filter((e) => !BLOCKS.some((b) => b.lang === 'ts' && tsEntry(b).includes(e))).map((e) => `TS_BLOCKS ${e.file} "${e.contains}"`),
    ];
    expect(stale).toEqual([]);
  });
});

describe('run against a live server and the mock', () => {
  let dev: Running;
  let testMode: Running;
  let mock: Running;
  const dirs: string[] = [];
  const limits = { OTP_SEND_LIMIT_PER_HOUR: '1000', OTP_SEND_LIMIT_PER_IP_PER_HOUR: '1000', LOGIN_MAX_FAILURES: '1000', IP_RATE_LIMIT_PER_MINUTE: '10000' };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'barqnet-snippets-'));
    dirs.push(dir);
    return dir;
  };

  let marks = 0;
  /** A request with a known id; once its log line is in, so is every line logged before it. */
  const syncWith = (server: () => Running) => async () => {
    const id = `snippets-sync-${++marks}`;
    await fetch(`${server().url}/health`, { headers: { 'x-request-id': id } });
    for (let i = 0; i < 500 && !server().output().includes(id); i++) await new Promise((r) => setTimeout(r, 10));
  };

  beforeAll(async () => {
    // the SDK sources import the contract's types from a git-ignored copy (its prebuild step); write
    // it only when stale, so a build running beside this test never reads a half-written file
    const types = join(root, 'clients', 'typescript', 'src', 'generated', 'types.ts');
    const source = readFileSync(join(root, 'generated', 'types.public.ts'));
    if (!existsSync(types) || !readFileSync(types).equals(source)) {
      mkdirSync(dirname(types), { recursive: true });
      writeFileSync(`${types}.${process.pid}`, source);
      renameSync(`${types}.${process.pid}`, types);
    }
    // `make start` in development: codes go to the log, as the guides describe.
    [dev, testMode, mock] = await Promise.all([startServer({ ...limits, TEST_MODE: '0', NODE_ENV: 'development' }), startServer(limits), startMock()]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([dev?.stop(), testMode?.stop(), mock?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  // README first, then the guides, all on ONE server: a guide that repeats another's sign-up fails.
  const shellFiles = FILES.filter((file) => BLOCKS.some((b) => b.file === file && ['console', 'sh', 'bash', 'json'].includes(b.lang)));
  it.each(shellFiles)(
    '%s: shell commands run and answer as shown; JSON blocks fit',
    async (file) => {
      const term = new Terminal(tempDir(), { server: dev.url, mock: mock.url, serverLog: () => dev.output(), sync: syncWith(() => dev) });
      const problems: string[] = [];
      for (const block of BLOCKS.filter((b) => b.file === file)) {
        if (block.lang === 'json') {
          await term.targets.sync();
          problems.push(...jsonProblems(block, term, dev.output()));
          continue;
        }
        for (const command of commandsOf(block)) if (!excused(command)) problems.push(...(await term.run(command)));
      }
      expect(problems).toEqual([]);
    },
    60_000,
  );

  it('TypeScript blocks type-check against the SDK (a project importing @barqnet/client)', () => {
    const snippets = BLOCKS.filter((b) => b.lang === 'ts').map((b) => ({ where: `${b.file}:${b.line}`, text: b.text }));
    expect(typecheckSnippets(tempDir(), snippets, TS_GLOBALS)).toBe('');
  }, 90_000);

  it('the runnable TypeScript blocks run against the live server (test mode) and the mock', async () => {
    const rewrite = new Terminal(tempDir(), { server: testMode.url, mock: mock.url, serverLog: () => testMode.output(), sync: syncWith(() => testMode) });
    const dir = tempDir();
    const failures: string[] = [];
    for (const [i, block] of BLOCKS.filter((b) => b.lang === 'ts' && tsEntry(b)[0]?.run).entries()) {
      const result = await runSnippet(dir, `run-${i}`, rewrite.substitute(block.text), tsRuntime(testMode.url));
      if (result.status !== 0) failures.push(`${block.file}:${block.line}: exit ${result.status}\n${result.output}`);
    }
    expect(failures).toEqual([]);
  }, 90_000);
});

/** A JSON block: parses; a log line matches one the server logged; an API body is the answer of the command before it and fits the contract. */
function jsonProblems(block: Block, term: Terminal, log: string): string[] {
  const where = `${block.file}:${block.line}`;
  let shown: Record<string, unknown>;
  try {
    shown = JSON.parse(block.text) as Record<string, unknown>;
  } catch (error) {
    return [`${where}: not JSON: ${(error as Error).message}`];
  }
  if ('msg' in shown && 'level' in shown) {
    const logged = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e['msg'] === shown['msg']);
    if (logged.length === 0) return [`${where}: the server logged no "${String(shown['msg'])}" line`];
    const missing = Object.keys(shown).filter((k) => !(k in logged.at(-1)!));
    return missing.length ? [`${where}: the "${String(shown['msg'])}" log line has no ${missing.join(', ')}`] : [];
  }
  if (!('success' in shown)) return [`${where}: a JSON block that is neither an API body nor a log line; teach scripts/snippets.test.ts what it is`];
  const last = term.last;
  if (!last) return [`${where}: an API body with no curl command before it`];
  const answer = last.body as Record<string, unknown> | undefined;
  if (shown['success'] === true && (last.status < 200 || last.status > 299))
    return [`${where}: the answer of ${last.method} ${last.path} is ${last.status} ${String(answer?.['error'])}: ${String(answer?.['message'])}`];
  term.learn(shown, last.body);
  const shape = shownShape(block.text)!;
  const mismatch = shape.keys.filter((k) => !(k in (last.body as object))).map((k) => `${where}: the answer of ${last.method} ${last.path} has no "${k}"`);
  return [...mismatch, ...bodyProblems(last.method, last.path, shown).map((p) => `${where}: ${p}`)];
}
