/**
 * Reads WebAssembly text (a `.wast` script or a module's text) into
 * s-expressions: lists, atoms and decoded strings, each with its place in the
 * source, skipping line comments and nested block comments.
 */

export interface Span {
  /** Offset of the first character and one past the last, in the source string. */
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
}

export interface SList extends Span {
  kind: 'list';
  items: SExpr[];
}

export interface SAtom extends Span {
  kind: 'atom';
  /** The token as written: keyword, `$id`, number, `$"quoted id"`. */
  text: string;
}

export interface SString extends Span {
  kind: 'string';
  /** The string's bytes after escapes (UTF-8 for the characters written as such). */
  bytes: Uint8Array;
}

export type SExpr = SList | SAtom | SString;

export class WastSyntaxError extends Error {
  override name = 'WastSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const utf8 = new TextEncoder();

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Whether the atom being read ends before `s[i]` (a lone `;` is a reserved token's character). */
function endsAtom(s: string, i: number): boolean {
  const c = s[i];
  return isSpace(c) || c === '(' || c === ')' || c === '"' || (c === ';' && s[i + 1] === ';');
}

function hexValue(c: string): number {
  const v = Number.parseInt(c, 16);
  return /^[0-9a-fA-F]$/.test(c) ? v : -1;
}

/**
 * `(@name ...)`: an annotation. Like the reference interpreter, the reader
 * leaves annotations out of the lists (a module's text still has them).
 */
function isAnnotation(e: SExpr): boolean {
  const first = e.kind === 'list' ? e.items[0] : undefined;
  return first?.kind === 'atom' && first.text.startsWith('@');
}

class Reader {
  private pos = 0;
  private line = 1;

  constructor(
    private readonly src: string,
    private readonly comments: Span[] | undefined,
  ) {}

  private fail(message: string, line = this.line): never {
    throw new WastSyntaxError(message, line);
  }

  private advance(n: number): void {
    for (let i = 0; i < n; i++) if (this.src[this.pos + i] === '\n') this.line++;
    this.pos += n;
  }

  /** Skips white space and comments (block comments nest). */
  private skipTrivia(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c !== undefined && isSpace(c)) this.advance(1);
      else if (c === ';' && s[this.pos + 1] === ';') {
        const nl = s.indexOf('\n', this.pos);
        this.comments?.push({ start: this.pos, end: nl < 0 ? s.length : nl, line: this.line });
        this.advance((nl < 0 ? s.length : nl) - this.pos);
      } else if (c === '(' && s[this.pos + 1] === ';') {
        const line = this.line;
        const start = this.pos;
        let depth = 0;
        do {
          if (this.pos >= s.length) this.fail('unterminated block comment', line);
          if (s.startsWith('(;', this.pos)) {
            depth++;
            this.advance(2);
          } else if (s.startsWith(';)', this.pos)) {
            depth--;
            this.advance(2);
          } else this.advance(1);
        } while (depth > 0);
        this.comments?.push({ start, end: this.pos, line });
      } else return;
    }
  }

  /** Reads the string starting at the current `"`; returns its bytes. */
  private readString(): Uint8Array {
    const s = this.src;
    const line = this.line;
    const out: number[] = [];
    let i = this.pos + 1;
    for (;;) {
      const c = s[i];
      if (c === undefined) this.fail('unterminated string', line);
      if (c === '"') break;
      if (c === '\n') this.fail('newline in a string', line);
      if (c !== '\\') {
        const cp = s.codePointAt(i) ?? 0;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8.encode(ch)) out.push(b);
        i += ch.length;
        continue;
      }
      const e = s[i + 1];
      i += 2;
      switch (e) {
        case 't':
          out.push(9);
          break;
        case 'n':
          out.push(10);
          break;
        case 'r':
          out.push(13);
          break;
        case '"':
        case "'":
        case '\\':
          out.push(e.charCodeAt(0));
          break;
        case 'u': {
          const close = s.indexOf('}', i);
          const hex = s[i] === '{' && close > i ? s.slice(i + 1, close).replaceAll('_', '') : '';
          const cp = /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : -1;
          if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
            this.fail('malformed \\u{...} escape', line);
          for (const b of utf8.encode(String.fromCodePoint(cp))) out.push(b);
          i = close + 1;
          break;
        }
        default: {
          const hi = hexValue(e ?? '');
          const lo = hexValue(s[i] ?? '');
          if (hi < 0 || lo < 0) this.fail(`unknown escape \\${e ?? ''}`, line);
          out.push(hi * 16 + lo);
          i++;
        }
      }
    }
    this.advance(i + 1 - this.pos);
    return Uint8Array.from(out);
  }

  private readAtom(): string {
    const s = this.src;
    let i = this.pos;
    while (i < s.length && !endsAtom(s, i)) i++;
    // `$"..."`: an identifier written as a string.
    if (i === this.pos + 1 && s[this.pos] === '$' && s[i] === '"') {
      const start = this.pos;
      this.advance(1);
      this.readString();
      return s.slice(start, this.pos);
    }
    const text = s.slice(this.pos, i);
    this.advance(i - this.pos);
    return text;
  }

  /** Reads one s-expression; the current character starts it. */
  private readExpr(): SExpr {
    const start = this.pos;
    const line = this.line;
    const c = this.src[this.pos];
    if (c === '(') {
      this.advance(1);
      const items: SExpr[] = [];
      for (;;) {
        this.skipTrivia();
        const d = this.src[this.pos];
        if (d === undefined) this.fail('unclosed "("', line);
        if (d === ')') break;
        const item = this.readExpr();
        if (!isAnnotation(item)) items.push(item);
      }
      this.advance(1);
      return { kind: 'list', items, start, end: this.pos, line };
    }
    if (c === ')') this.fail('unexpected ")"');
    if (c === '"') {
      const bytes = this.readString();
      return { kind: 'string', bytes, start, end: this.pos, line };
    }
    return { kind: 'atom', text: this.readAtom(), start, end: this.pos, line };
  }

  readAll(): SExpr[] {
    const out: SExpr[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.src.length) return out;
      const item = this.readExpr();
      if (!isAnnotation(item)) out.push(item);
    }
  }
}

/**
 * Every top-level s-expression of `src` but annotations; the comments' spans
 * go to `comments` when given. Throws `WastSyntaxError` on unbalanced input.
 */
export function readSExprs(src: string, comments?: Span[]): SExpr[] {
  return new Reader(src, comments).readAll();
}

/** The keyword a list starts with (`module`, `assert_return`, `i32.const`, ...), if any. */
export function head(e: SExpr): string | undefined {
  if (e.kind !== 'list') return undefined;
  const first = e.items[0];
  return first?.kind === 'atom' ? first.text : undefined;
}
