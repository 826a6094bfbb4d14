// Drives the `barqnet` CLI as a child process: answer prompts as they appear, collect the output.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../../scripts/lib/root.ts';

export const CLI_SOURCE = join(ROOT, 'clients', 'typescript', 'src', 'cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly #exit: Promise<number | null>;

  readonly #enter: string;
  #seen = 0;

  /** `pty`: in a real terminal (util-linux `script`), as a person types; the screen is then in both stdout and stderr. */
  constructor(args: string[], env: Record<string, string>, options: { node?: string; entry?: string; pty?: boolean } = {}) {
    const argv = [options.node ?? process.execPath, options.entry ?? CLI_SOURCE, ...args];
    const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    this.child = options.pty
      ? spawn('script', ['-qfec', quoted, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#enter = options.pty ? '\r' : '\n';
    this.child.stdout!.on('data', (c: Buffer) => {
      this.stdout += c.toString();
      if (options.pty) this.stderr += c.toString();
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.#exit = new Promise((ok) => this.child.once('exit', (code) => ok(code)));
  }

  /** Resolves once stderr (where prompts go) matches `pattern` after the previous prompt's match. */
  async prompt(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = pattern.exec(this.stderr.slice(this.#seen));
      if (found) {
        this.#seen += found.index + found[0].length;
        return;
      }
      if (this.child.exitCode !== null) throw new Error(`CLI exited (${this.child.exitCode}) before prompting ${pattern}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no prompt ${pattern} within ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  answer(line: string): void {
    this.child.stdin!.write(`${line}${this.#enter}`);
  }

  async done(): Promise<CliResult> {
    this.child.stdin!.end();
    const code = await this.#exit;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}

/** Runs a command with all answers known up front. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  answers: string[] = [],
  options: { node?: string; entry?: string } = {},
): Promise<CliResult> {
  const run = new CliRun(args, env, options);
  for (const line of answers) run.answer(line);
  return run.done();
}
