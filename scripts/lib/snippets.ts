// Reads the fenced code blocks of the Markdown guides and splits shell blocks into the commands a
// reader would type, each with the output the guide shows for it. Used by scripts/snippets.test.ts.
import { spawnSync } from 'node:child_process';

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
}

export interface Command {
  block: Block;
  /** The command as written (continuation lines joined as bash joins them). */
  text: string;
  /** The output the guide shows after it (`# ...` lines in sh, the non-`$` lines in console). */
  shown: string;
}

/** Every fenced block (``` or ~~~, any indentation up to 3 spaces) of a Markdown text. */
export function extractBlocks(file: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: code block is never closed`);
    blocks.push({ file, line: start + 1, lang: open[2]!.toLowerCase(), text: body.join('\n') });
  }
  return blocks;
}

/** True when bash can parse `script` as a whole (quotes closed, no dangling `\` or `|`). */
function complete(script: string): boolean {
  if (/\\\s*$/.test(script) || /(\||&&)\s*$/.test(script)) return false;
  return spawnSync('bash', ['-n'], { input: script }).status === 0;
}

/** `sh`/`bash` blocks: every line that is not a `#` comment starts a command (until bash can parse it); the `#` lines after it are its shown output. */
export function shellCommands(block: Block): Command[] {
  const commands: Command[] = [];
  let current: string[] | undefined;
  for (const line of block.text.split('\n')) {
    if (current) {
      current.push(line);
      if (complete(current.join('\n'))) {
        commands.push({ block, text: current.join('\n'), shown: '' });
        current = undefined;
      }
      continue;
    }
    if (/^\s*#/.test(line)) {
      const last = commands.at(-1);
      if (last) last.shown += `${line.replace(/^\s*# ?/, '')}\n`;
      continue;
    }
    if (line.trim() === '') continue;
    current = [line];
    if (complete(line)) {
      commands.push({ block, text: line, shown: '' });
      current = undefined;
    }
  }
  if (current) throw new Error(`${block.file}:${block.line}: the last command does not parse: ${current.join('\n')}`);
  return commands;
}

/** `console` blocks: `$ ` starts a command (continued by lines ending in `\`), the lines until the next `$ ` are its output. */
export function consoleCommands(block: Block): Command[] {
  const commands: Command[] = [];
  let continued = false;
  for (const line of block.text.split('\n')) {
    const last = commands.at(-1);
    if (continued && last) {
      last.text += `\n${line}`;
    } else if (line.startsWith('$ ')) {
      commands.push({ block, text: line.slice(2), shown: '' });
    } else if (last) {
      last.shown += `${line}\n`;
    } else if (line.trim() !== '') {
      throw new Error(`${block.file}:${block.line}: console block line before any "$ " command: ${line}`);
    }
    continued = /\\$/.test(commands.at(-1)?.text ?? '') && (line.startsWith('$ ') || continued);
  }
  return commands;
}

export interface Shape {
  /** Top-level keys of the first JSON object shown. */
  keys: string[];
  /** `"key": "value"` and `"key": true|false|number` pairs at the top level (strings as shown, maybe ending in `...`). */
  values: Record<string, string | boolean | number>;
}

/** The top level of a JSON object as a guide shows it: elisions (`...`, `{...}`) allowed. */
export function shownShape(text: string): Shape | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  const shape: Shape = { keys: [], values: {} };
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) break;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const word = text.slice(i + 1, end);
      i = end;
      if (depth !== 1) continue;
      const after = /^\s*:\s*("([^"]*)"|true|false|-?\d+(\.\d+)?)?/.exec(text.slice(end + 1));
      if (!after) continue;
      shape.keys.push(word);
      const raw = after[1];
      if (raw !== undefined) shape.values[word] = after[2] ?? (raw === 'true' ? true : raw === 'false' ? false : Number(raw));
      if (after[2] !== undefined) i = end + after[0].length;
    }
  }
  return shape;
}

/** What differs between the shape a guide shows and an actual JSON answer (empty when it fits). */
export function shapeProblems(shown: Shape, actual: unknown): string[] {
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`answer is not a JSON object: ${JSON.stringify(actual)}`];
  const got = actual as Record<string, unknown>;
  const problems = shown.keys.filter((k) => !(k in got)).map((k) => `the answer has no "${k}"`);
  for (const key of ['success', 'error', 'status', 'verified', 'needsProfile', 'tokenType']) {
    if (key in shown.values && key in got && shown.values[key] !== got[key])
      problems.push(`"${key}" is ${JSON.stringify(got[key])}, the guide shows ${JSON.stringify(shown.values[key])}`);
  }
  return problems;
}

/** The first JSON object printed by a command (after any HTTP status line and headers of `curl -i`). */
export function firstJson(output: string): unknown {
  const start = output.indexOf('{');
  if (start < 0) return undefined;
  const line = output.slice(start).split('\n')[0]!;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
