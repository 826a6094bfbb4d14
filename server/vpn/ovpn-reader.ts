// Reads an .ovpn file into directives exactly the way OpenVPN 2.6 does, so the policy in
// ovpn.ts judges what the client will really run, not what the text looks like line by line.
// Each rule below is a reading of OpenVPN's src/openvpn/options.c (tag v2.6.14, the version
// Debian 12 ships) and src/openvpn/buffer.c; function names are cited where the rule comes from.
// The differential test (ovpn.openvpn.test.ts) runs the real client on the same files.

/** OPTION_LINE_SIZE in options.h: the buffers the reader reads a file into. */
export const OPTION_LINE_SIZE = 256;
const OPTION_PARM_SIZE = 256; // options.h: longest parameter parse_line keeps
const MAX_PARMS = 16; // options.h: parse_line stops after this many parameters

export interface OvpnDirective {
  /** p[0] after bypass_doubledash; for an inline block, the tag name. */
  name: string;
  /** p[1..]; for an inline block, empty (the block's text is in `inline`). */
  args: string[];
  /** OpenVPN's own line count (one per piece read), as in its error messages. */
  line: number;
  /** The text of a `<name>`...`</name>` block, as OpenVPN hands it to add_option. */
  inline?: string;
  /** The options of a `<connection>` block, read from its text by read_config_string. */
  children?: OvpnDirective[];
}

/** A file OpenVPN itself stops on (its message is fatal at startup: M_USAGE / M_FATAL). */
export class OvpnSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.line = line;
  }
}

const NUL = 0,
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32;
const DQUOTE = 34,
  HASH = 35,
  DASH = 45,
  SLASH = 47,
  SQUOTE = 39,
  SEMI = 59,
  LT = 60,
  GT = 62,
  BACKSLASH = 92;

/** isspace() in the C locale; OpenVPN never calls setlocale, so bytes >= 0x80 are not spaces. */
const isSpace = (c: number) => c === SPACE || (c >= TAB && c <= CR);
/** space() in options.c: parse_line also ends a parameter at the string's NUL. */
const space = (c: number) => c === NUL || isSpace(c);

/** A C string: what strlen() sees of a buffer that may hold a NUL. */
const cString = (bytes: Uint8Array) => {
  const end = bytes.indexOf(NUL);
  return end < 0 ? bytes : bytes.subarray(0, end);
};

/** Where in_src_get reads from: the file (fgets) or a block's text (buf_parse). */
interface Source {
  /** One piece as in_src_get(is, line, size) leaves it in `line`, or undefined at the end. */
  get(size: number): Uint8Array | undefined;
}

/** fgets(line, size, fp): at most size-1 bytes, up to and including the first '\n'. */
function fileSource(bytes: Uint8Array): Source {
  let pos = 0;
  return {
    get(size) {
      if (pos >= bytes.length) return undefined;
      const newline = bytes.indexOf(LF, pos);
      const end = Math.min(newline < 0 ? bytes.length : newline + 1, pos + size - 1);
      const piece = bytes.subarray(pos, end);
      pos = end;
      return piece;
    },
  };
}

/**
 * buf_parse(buf, '\n', line, size) in buffer.c: it stores up to `size` bytes, then overwrites
 * the last with NUL, and the byte it read when the buffer was full is consumed and lost. So a
 * piece keeps at most size-1 bytes and a longer line loses the two bytes after them.
 * `next` is read_config_string's own read; `get` is in_src_get for a buffer, which puts the
 * '\n' back when it fits. Both read on from the same place.
 */
function bufferSource(bytes: Uint8Array): Source & { next(size: number): Uint8Array | undefined } {
  let pos = 0;
  const next = (size: number) => {
    const line: number[] = [];
    let eol = false;
    for (;;) {
      let c = pos < bytes.length ? bytes[pos++]! : -1;
      if (c < 0) eol = true;
      if (c <= 0 || c === LF) c = 0;
      if (line.length >= size) break;
      line.push(c);
      if (c === 0) break;
    }
    line.length = Math.min(line.length, size - 1);
    const piece = cString(Uint8Array.from(line));
    return eol && piece.length === 0 ? undefined : piece;
  };
  return {
    next,
    get(size) {
      const piece = next(size);
      return piece && piece.length + 1 < size ? Uint8Array.of(...piece, LF) : piece;
    },
  };
}

/** parse_line in options.c: quoting, backslash escapes and comments, one piece at a time. */
export function parseLine(piece: Uint8Array, line: number): Uint8Array[] {
  const INITIAL = 0,
    QUOTED = 1,
    UNQUOTED = 2,
    DONE = 3,
    SQUOTED = 4;
  const params: Uint8Array[] = [];
  let parm: number[] = [];
  let state = INITIAL;
  let backslash = false;
  for (let i = 0; ; i++) {
    const c = i < piece.length ? piece[i]! : NUL;
    let out = 0;
    if (!backslash && c === BACKSLASH && state !== SQUOTED) backslash = true;
    else {
      if (state === INITIAL) {
        if (!space(c)) {
          if (c === SEMI || c === HASH) break; // a comment starts only where a parameter would
          if (!backslash && c === DQUOTE) state = QUOTED;
          else if (!backslash && c === SQUOTE) state = SQUOTED;
          else {
            out = c;
            state = UNQUOTED;
          }
        }
      } else if (state === UNQUOTED) {
        if (!backslash && space(c)) state = DONE;
        else out = c;
      } else if (state === QUOTED) {
        if (!backslash && c === DQUOTE) state = DONE;
        else out = c;
      } else if (state === SQUOTED) {
        if (c === SQUOTE) state = DONE;
        else out = c;
      }
      if (state === DONE) {
        params.push(Uint8Array.from(parm));
        state = INITIAL;
        parm = [];
      }
      if (backslash && out && !(out === BACKSLASH || out === DQUOTE || space(out))) {
        throw new OvpnSyntaxError("Bad backslash ('\\') usage", line);
      }
      backslash = false;
    }
    if (out) {
      if (parm.length >= OPTION_PARM_SIZE) throw new OvpnSyntaxError(`Parameter is too long (${OPTION_PARM_SIZE} chars max)`, line);
      parm.push(out);
    }
    if (params.length >= MAX_PARMS || c === NUL) break;
  }
  if (state === QUOTED) throw new OvpnSyntaxError('No closing quotation (")', line);
  if (state === SQUOTED) throw new OvpnSyntaxError("No closing single quotation (')", line);
  if (state !== INITIAL) throw new OvpnSyntaxError(`Residual parse state (${state})`, line);
  return params;
}

const decoder = new TextDecoder();
const text = (bytes: Uint8Array) => decoder.decode(bytes);
const startsWith = (bytes: Uint8Array, prefix: Uint8Array) => prefix.every((b, i) => bytes[i] === b);

/**
 * read_inline_file: pieces of OPTION_LINE_SIZE-1 bytes; the block ends at the first piece that,
 * after leading spaces, STARTS with the closing tag. The rest of that piece is dropped, and a
 * piece can begin in the middle of a long line, so `</ca>` 255 bytes into a line ends <ca>.
 */
function readInline(source: Source, tag: Uint8Array, line: number): { inline: Uint8Array; pieces: number } {
  const close = Uint8Array.of(LT, SLASH, ...tag, GT);
  const kept: Uint8Array[] = [];
  let pieces = 0;
  for (let piece = source.get(OPTION_LINE_SIZE); piece; piece = source.get(OPTION_LINE_SIZE)) {
    pieces++;
    const s = cString(piece);
    let start = 0;
    while (start < s.length && isSpace(s[start]!)) start++;
    if (startsWith(s.subarray(start), close)) return { inline: Buffer.concat(kept), pieces };
    kept.push(s);
  }
  throw new OvpnSyntaxError(`Block <${text(tag).slice(0, 40)}> is not closed`, line);
}

/** bypass_doubledash, then check_inline_file: a lone `<tag>` parameter opens a block. */
function directive(params: Uint8Array[], source: Source, line: number): { directive: OvpnDirective; pieces: number } {
  let first = params[0]!;
  if (first.length >= 3 && first[0] === DASH && first[1] === DASH) first = first.subarray(2);
  if (params.length === 1 && first[0] === LT && first[first.length - 1] === GT) {
    const tag = first.subarray(1, -1);
    const { inline, pieces } = readInline(source, tag, line);
    const block: OvpnDirective = { name: text(tag), args: [], line, inline: text(inline) };
    // add_option "connection": read_config_string on the block's text with connection options.
    if (block.name === 'connection') block.children = readString(inline, line);
    return { directive: block, pieces };
  }
  return { directive: { name: text(first), args: params.slice(1).map(text), line }, pieces: 0 };
}

/** The loop read_config_file and read_config_string share: parse a piece, open its block, count. */
function readLines(
  next: () => Uint8Array | undefined,
  source: Source,
  firstLine: number,
  prepare = (piece: Uint8Array, _line: number) => piece,
): OvpnDirective[] {
  const out: OvpnDirective[] = [];
  let lineNum = firstLine;
  for (let piece = next(); piece; piece = next()) {
    lineNum++;
    const params = parseLine(prepare(piece, lineNum), lineNum);
    if (params.length === 0) continue;
    const { directive: d, pieces } = directive(params, source, lineNum);
    out.push(d);
    lineNum += pieces;
  }
  return out;
}

/** read_config_string: a <connection> block's text, split by buf_parse; no length check. */
function readString(config: Uint8Array, firstLine: number): OvpnDirective[] {
  const source = bufferSource(config);
  return readLines(() => source.next(OPTION_LINE_SIZE), source, firstLine);
}

/** read_config_file: fgets into OPTION_LINE_SIZE+1 bytes, so a piece holds up to 256 bytes. */
export function readOvpn(content: string | Uint8Array): OvpnDirective[] {
  const source = fileSource(typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return readLines(
    () => source.get(OPTION_LINE_SIZE + 1),
    source,
    0,
    (piece, lineNum) => {
      const s = cString(piece);
      // A full buffer means the line (with its '\n') did not fit: OpenVPN refuses the file.
      if (s.length === OPTION_LINE_SIZE)
        throw new OvpnSyntaxError(`Line is longer than OpenVPN reads (${OPTION_LINE_SIZE - 1} bytes with its newline)`, lineNum);
      return lineNum === 1 && startsWith(s, Uint8Array.of(0xef, 0xbb, 0xbf)) ? s.subarray(3) : s; // UTF-8 BOM
    },
  );
}
