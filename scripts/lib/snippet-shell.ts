// Runs the shell commands of one guide in order, as a reader would in one terminal: variables
// carry over from command to command, the documented base URLs point at the test's servers, and
// values the guide shows in an answer (`"verificationToken":"vt_lneSJxJ1..."`) stand for the values
// the live answer gave, so a later command that pastes them gets the real ones.
import { ROOT } from './root.ts';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeIn } from '../../server/sms/sms.ts';
import { firstJson, shapeProblems, shownShape, type Command } from './snippets.ts';

const root = ROOT;
const CLI = join(root, 'clients', 'typescript', 'src', 'cli.ts');

export interface Targets {
  /** Replaces http://localhost:8080 (the server of `make start`). */
  server: string;
  /** Replaces http://localhost:4010 (`make mock`). */
  mock: string;
  /** What the server at `server` has logged so far (written to ./server.log before each command). */
  serverLog: () => string;
  /** Resolves once everything the server logged so far has reached serverLog(). */
  sync: () => Promise<void>;
}

export interface Answer {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export class Terminal {
  readonly #values = new Map<string, string>();
  last: Answer | undefined;

  readonly dir: string;
  readonly targets: Targets;

  constructor(dir: string, targets: Targets) {
    this.dir = dir;
    this.targets = targets;
    mkdirSync(join(dir, 'bin'), { recursive: true });
    // `barqnet` / `npx barqnet`: the CLI of the workspace, from its sources
    writeFileSync(join(dir, 'bin', 'barqnet'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(join(dir, 'bin', 'barqnet'), 0o755);
  }

  /** Values of a shown answer that differ in the live one become substitutions (8+ characters, so `eyJ...` alone is not one). */
  learn(shown: Record<string, unknown>, actual: unknown): void {
    if (actual === null || typeof actual !== 'object') return;
    for (const [key, value] of Object.entries(shown)) {
      const real = (actual as Record<string, unknown>)[key];
      if (typeof value !== 'string' || typeof real !== 'string' || value === real) continue;
      const stem = value.replace(/\.\.\.$/, '');
      if (stem.length >= 8) this.#values.set(stem, real);
    }
  }

  /** The command with the test's URLs, the learnt values and, for the real server, the code it really sent. */
  substitute(text: string): string {
    let out = text
      .replace(/\bnpx barqnet\b/g, 'barqnet')
      .replace(/(?:https?:\/\/)?localhost:8080/g, this.targets.server)
      .replace(/(?:https?:\/\/)?localhost:4010/g, this.targets.mock);
    const stems = [...this.#values.keys()].sort((a, b) => b.length - a.length).map((stem) => stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // one pass: a real value may begin with the shown one (a JWT's header), so never replace twice
    if (stems.length > 0) out = out.replace(new RegExp(`(${stems.join('|')})(?:\\.\\.\\.)?`, 'g'), (stem) => this.#values.get(stem.replace(/\.\.\.$/, ''))!);
    const phone = /"phoneNumber":\s*"(\+\d+)"/.exec(out)?.[1];
    if (phone && out.includes(this.targets.server))
      out = out.replace(/("otp":\s*")\d{6}(")/, (all, a: string, b: string) => `${a}${latestCode(this.targets.serverLog(), phone)}${b}`);
    return out;
  }

  /** Runs one command; returns what does not match the output the guide shows ([] when it all fits). */
  async run(command: Command): Promise<string[]> {
    await this.targets.sync();
    let text = this.substitute(command.text);
    const curl = /^curl\b/.test(text.trimStart());
    if (curl) text = text.replace(/^(\s*)curl\b/, "$1curl -w '\\n__status:%{http_code}\\n'");
    writeFileSync(join(this.dir, 'server.log'), this.targets.serverLog());
    const script = `set -a\n[ -f .state ] && . ./.state\n${text}\n__s=$?\nexport -p | grep -v -e ' BASH' -e ' SHELLOPTS' -e ' PWD=' -e ' OLDPWD=' > .state\nexit $__s\n`;
    const result = await bash(script, this.dir, { PATH: `${join(this.dir, 'bin')}:${process.env['PATH']}`, BARQNET_CONFIG_DIR: join(this.dir, 'config') });
    const where = `${command.block.file}:${command.block.line} \`${command.text.split('\n')[0]}\``;
    if (result.status !== 0) return [`${where}: exit ${result.status ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`];
    let stdout = result.stdout;
    let status = 0;
    stdout = stdout.replace(/\n?__status:(\d+)\n$/, (_all, code: string) => {
      status = Number(code);
      return '\n';
    });
    const problems: string[] = [];
    const body = firstJson(stdout);
    if (curl) {
      const url = /(?:https?:\/\/)?localhost:\d+(\/[^\s'"?]*)/.exec(command.text);
      const method = /-X\s+(\w+)/.exec(command.text)?.[1] ?? (/\s-d\s/.test(command.text) ? 'POST' : 'GET');
      this.last = { method, path: url?.[1] ?? '', status, body };
    }
    for (const line of command.shown.split('\n').filter((l) => l.trim() !== '')) {
      if (line.includes('{')) {
        const shape = shownShape(line)!;
        problems.push(...shapeProblems(shape, body));
        const shownStatus = /^(\d{3}) \{/.exec(line.trim())?.[1];
        if (shownStatus && Number(shownStatus) !== status) problems.push(`HTTP status is ${status}, the guide shows ${shownStatus}`);
        if (!shownStatus && curl && shape.values['success'] === true && (status < 200 || status > 299)) problems.push(`HTTP status is ${status}`);
        this.learn(shape.values, body);
      } else if (!normalise(stdout + result.stderr).includes(normalise(line))) {
        problems.push(`the output has no line "${line}"`);
      }
    }
    return problems.map((p) => `${where}: ${p}\n  output: ${stdout.trim().slice(0, 400)}`);
  }
}

/** bash -c, asynchronously: the servers' output keeps flowing into the test while it runs. */
function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    // a prompt (the CLI's password) reads this; a command that reads nothing ignores it
    child.stdin.on('error', () => {});
    child.stdin.end('SecurePass123\n');
  });
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();

/** The last code the console SMS sender logged for `phone` (`make start` without TEST_MODE); throws when none was. */
export function latestCode(log: string, phone: string): string {
  let text: string | undefined;
  for (const line of log.split('\n')) {
    if (!line.includes('"sms.console"')) continue;
    try {
      const entry = JSON.parse(line) as { to?: string; text?: string };
      if (entry.to === phone && entry.text !== undefined) text = entry.text;
    } catch {
      // not a JSON line
    }
  }
  if (text === undefined) throw new Error(`the server logged no SMS to ${phone}: the command's code cannot be filled in`);
  return codeIn(text);
}
