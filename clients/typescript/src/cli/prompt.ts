import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** Thrown when stdin ends before the question was answered. */
export class NoAnswerError extends Error {}

/**
 * Questions on stderr, answers from stdin. Works with a terminal (secrets are not echoed) and
 * with piped input: lines are read through one async iterator, so answers written before the
 * question was printed are not lost. Created lazily, so commands that ask nothing never touch stdin.
 */
export class Prompter {
  readonly #input: NodeJS.ReadStream;
  readonly #output: NodeJS.WriteStream;
  #rl: Interface | undefined;
  #lines: AsyncIterator<string> | undefined;
  #muted = false;

  constructor(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr) {
    this.#input = input;
    this.#output = output;
  }

  async ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
    const lines = this.#open();
    this.#output.write(question);
    this.#muted = options.secret === true;
    try {
      const next = await lines.next();
      if (next.done) throw new NoAnswerError(`no answer for "${question.trim()}" (stdin ended)`);
      return next.value.trim();
    } finally {
      // a terminal already echoed the Enter of a visible answer; piped answers are never echoed
      if (this.#muted || !this.#input.isTTY) this.#output.write('\n');
      this.#muted = false;
    }
  }

  /** A line for the user (on the questions' stream), e.g. why an answer is asked again. */
  say(line: string): void {
    this.#output.write(`${line}\n`);
  }

  close(): void {
    this.#rl?.close();
  }

  #open(): AsyncIterator<string> {
    if (!this.#lines) {
      const output = this.#output;
      // a terminal echoes what is typed through `output`; muting it hides passwords
      const echo = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          if (!this.#muted) output.write(chunk);
          done();
        },
      });
      this.#rl = createInterface({ input: this.#input, output: echo, terminal: this.#input.isTTY === true });
      this.#rl.on('SIGINT', () => {
        output.write('\n');
        process.exit(130);
      });
      this.#lines = this.#rl[Symbol.asyncIterator]();
    }
    return this.#lines;
  }
}
