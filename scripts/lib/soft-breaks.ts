// Redoc's search index joins the lines of a Markdown description without a space, so "and\n`remote`"
// is found as "and`remote`" and its snippet reads "andremote". A soft line break renders as a space
// anyway, so the page is built from a copy of the spec whose descriptions have none.

/** Lines that start a block of their own: never joined onto the line before. */
const BLOCK_START = /^\s*([-*+] |\d+[.)] |#|>|\||```|~~~|<)/;

/** The description with every soft line break turned into a space; paragraphs, lists, tables, headings and code blocks are kept. */
export function joinSoftBreaks(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*(```|~~~)/.test(line);
    const previous = out.at(-1);
    const joinable =
      !fenced &&
      !fence &&
      previous !== undefined &&
      previous.trim() !== '' &&
      line.trim() !== '' &&
      !BLOCK_START.test(line) &&
      !/^ {4}/.test(line) &&
      !/^\s*(\||#|```|~~~)/.test(previous) &&
      !/( {2}|\\)$/.test(previous);
    if (joinable) out[out.length - 1] = `${previous.replace(/\s+$/, '')} ${line.trim()}`;
    else out.push(line);
    if (fence) fenced = !fenced;
  }
  return out.join('\n');
}

/** Every `description` string of an OpenAPI document (not inside example values), with soft breaks joined. */
export function withoutSoftBreaks<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutSoftBreaks) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'example' || key === 'value' ? value : key === 'description' && typeof value === 'string' ? joinSoftBreaks(value) : withoutSoftBreaks(value),
    ]),
  ) as T;
}
