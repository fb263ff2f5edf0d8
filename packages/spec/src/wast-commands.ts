/**
 * Turns a `.wast` script's s-expressions into the runner's commands, the
 * shapes wast2json writes (`module`, `assert_return` with `expected`, ...),
 * plus `module_definition` and `module_instance`. Module texts and float
 * literals are left for `prepareWast` to encode; a command the runner cannot
 * perform carries `notRun` with the reason.
 */
import type { WastAction, WastCommand, WastScript } from './run-script.js';
import { head, readSExprs, type SExpr, type SList, type Span } from './sexpr.js';
import type { JsonValue } from './values.js';
import type { FloatLiteral } from './wat.js';

/** A module of the script before encoding: text for the parser, bytes as given, or why there is none. */
export type ModuleSource = { text: string } | { bytes: Uint8Array } | { rejected: string };

/** A float literal still to encode, and where its bits go. */
export interface PendingFloat extends FloatLiteral {
  command: WastCommand;
  assign(bits: string): void;
}

export interface WastScriptSource extends WastScript {
  /** By the commands' `filename`. */
  sources: Map<string, ModuleSource>;
  floats: PendingFloat[];
}

/** What a script made of module fields (an inline module, not commands) may start with. */
const MODULE_FIELDS = new Set([
  'type',
  'rec',
  'import',
  'func',
  'table',
  'memory',
  'global',
  'tag',
  'export',
  'start',
  'elem',
  'data',
]);

/** A construct the runner cannot turn into a command. */
class Unsupported extends Error {}

// ignoreBOM: a name may be U+FEFF itself.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function atomText(e: SExpr | undefined): string | undefined {
  return e?.kind === 'atom' ? e.text : undefined;
}

function isName(e: SExpr | undefined): boolean {
  return atomText(e)?.startsWith('$') ?? false;
}

function stringOf(e: SExpr | undefined, what: string): string {
  if (e?.kind !== 'string') throw new Unsupported(`expected ${what} as a string`);
  try {
    return utf8.decode(e.bytes);
  } catch {
    throw new Unsupported(`${what} is not UTF-8`);
  }
}

function concatBytes(items: readonly SExpr[]): Uint8Array {
  const parts = items.map((x) => {
    if (x.kind !== 'string') throw new Unsupported('a binary or quoted module holds strings only');
    return x.bytes;
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- Values ---------------------------------------------------------------------------

const INT_LITERAL = /^[+-]?(0x[0-9a-fA-F](_?[0-9a-fA-F])*|[0-9](_?[0-9])*)$/;

/** An integer literal of `bits` width as the unsigned decimal of its bits (signed or unsigned input). */
export function intBits(text: string, bits: number): string {
  if (!INT_LITERAL.test(text)) throw new Unsupported(`malformed i${bits} literal ${text}`);
  const neg = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '').replaceAll('_', '');
  const n = neg ? -BigInt(digits) : BigInt(digits);
  const limit = 1n << BigInt(bits);
  if (n >= limit || n < -(limit >> 1n)) throw new Unsupported(`i${bits} literal ${text} out of range`);
  return BigInt.asUintN(bits, n).toString();
}

const LANES: Record<string, { lane: string; count: number }> = {
  i8x16: { lane: 'i8', count: 16 },
  i16x8: { lane: 'i16', count: 8 },
  i32x4: { lane: 'i32', count: 4 },
  i64x2: { lane: 'i64', count: 2 },
  f32x4: { lane: 'f32', count: 4 },
  f64x2: { lane: 'f64', count: 2 },
};

/** The JSON value type for a reference of heap type `ht` (`func`, `extern`, `$t`, ...). */
function refTypeOf(ht: string | undefined): string {
  switch (ht) {
    case 'func':
    case 'nofunc':
      return 'funcref';
    case 'extern':
    case 'noextern':
      return 'externref';
    case 'exn':
    case 'noexn':
      return 'exnref';
    case 'eq':
    case 'i31':
    case 'struct':
    case 'array':
      return `${ht}ref`;
    default:
      // any, none, a type index: the runner only checks that the result is null.
      return 'anyref';
  }
}

class Values {
  constructor(
    private readonly cmd: WastCommand,
    private readonly floats: PendingFloat[],
  ) {}

  private float(type: 'f32' | 'f64', text: string, assign: (bits: string) => void): void {
    if (text === 'nan:canonical' || text === 'nan:arithmetic') assign(text);
    else this.floats.push({ type, text, command: this.cmd, assign });
  }

  /** A constant (argument or result); `result` allows the result-only forms. */
  value(e: SExpr, result: boolean): JsonValue {
    if (e.kind !== 'list') throw new Unsupported('expected a constant');
    const op = head(e) ?? '';
    const args = e.items.slice(1).map((x) => {
      const t = atomText(x);
      if (t === undefined) throw new Unsupported(`malformed ${op}`);
      return t;
    });
    const one = () => {
      if (args.length !== 1) throw new Unsupported(`${op} takes one literal`);
      return args[0];
    };
    switch (op) {
      case 'i32.const':
        return { type: 'i32', value: intBits(one(), 32) };
      case 'i64.const':
        return { type: 'i64', value: intBits(one(), 64) };
      case 'f32.const':
      case 'f64.const': {
        const type = op === 'f32.const' ? 'f32' : 'f64';
        const v: JsonValue = { type };
        this.float(type, one(), (bits) => {
          v.value = bits;
        });
        return v;
      }
      case 'v128.const':
        return this.v128(args);
      case 'ref.null':
        if (args.length > 1) throw new Unsupported('ref.null takes one heap type');
        if (args.length === 0 && !result)
          throw new Unsupported('ref.null without a heap type as an argument');
        return { type: refTypeOf(args[0]), value: 'null' };
      case 'ref.extern':
      case 'ref.host': {
        const type = op === 'ref.extern' ? 'externref' : 'anyref';
        if (args.length === 0 && result) return { type };
        return { type, value: intBits(one(), 32) };
      }
    }
    // (ref.func), (ref.any), (ref.struct), ...: any non-null reference of that kind.
    const kind = /^ref\.([a-z0-9]+)$/.exec(op)?.[1];
    if (result && kind && args.length === 0) return { type: refTypeOf(kind) };
    throw new Unsupported(`unknown ${result ? 'result' : 'argument'} ${op || 'form'}`);
  }

  private v128(args: string[]): JsonValue {
    const shape = LANES[args[0]];
    if (!shape || args.length !== shape.count + 1)
      throw new Unsupported(`malformed v128.const ${args[0] ?? ''}`);
    const lanes: string[] = [];
    const v: JsonValue = { type: 'v128', lane_type: shape.lane, value: lanes };
    args.slice(1).forEach((t, i) => {
      if (shape.lane === 'f32' || shape.lane === 'f64') {
        lanes.push('');
        this.float(shape.lane, t, (bits) => {
          lanes[i] = bits;
        });
      } else lanes.push(intBits(t, Number(shape.lane.slice(1))));
    });
    return v;
  }
}

// ---- Commands ---------------------------------------------------------------------------

class ScriptReader {
  readonly commands: WastCommand[] = [];
  readonly sources = new Map<string, ModuleSource>();
  readonly floats: PendingFloat[] = [];

  /** Records a module form's source under a new `filename` and sets the command's module fields. */
  private moduleSource(m: SList, cmd: WastCommand): void {
    if (head(m) !== 'module') throw new Unsupported('expected a module');
    let i = 1;
    let definitionAtom: SExpr | undefined;
    if (atomText(m.items[i]) === 'definition') definitionAtom = m.items[i++];
    if (isName(m.items[i])) cmd.name = atomText(m.items[i++]);
    const kind = atomText(m.items[i]);
    const filename = `module.${this.sources.size}`;
    cmd.filename = filename;
    if (definitionAtom) cmd.definition = true;
    let source: ModuleSource;
    if (kind === 'binary') {
      cmd.module_type = 'binary';
      source = { bytes: concatBytes(m.items.slice(i + 1)) };
    } else if (kind === 'quote') {
      cmd.module_type = 'text';
      try {
        const text = utf8.decode(concatBytes(m.items.slice(i + 1)));
        // The quoted text is a whole module or its fields (a line comment may end it).
        source = { text: /^\s*\(\s*module\b/.test(text) ? text : `(module\n${text}\n)` };
      } catch (e) {
        if (e instanceof Unsupported) throw e;
        source = { rejected: 'the quoted text is not UTF-8' };
      }
    } else {
      cmd.module_type = 'text';
      source = { text: this.moduleText(m, definitionAtom) };
    }
    this.sources.set(filename, source);
  }

  /** Comments of the script, in source order. */
  private readonly comments: Span[] = [];

  constructor(private readonly src: string) {}

  /**
   * The text of an inline module for the parser: without `definition`, its
   * comments blanked and the non-ASCII characters of its strings escaped
   * (wasm-tools refuses bidirectional marks in comments and strings, which the
   * reference interpreter allows; the module is the same). Lines still match.
   */
  private moduleText(m: SList, definitionAtom: SExpr | undefined): string {
    const src = this.src;
    const blank = (c: Span) => src.slice(c.start, c.end).replace(/[^\n]/g, ' ');
    const edits: { start: number; end: number; text: string }[] = [];
    for (const c of this.comments)
      if (c.start >= m.start && c.end <= m.end) edits.push({ ...c, text: blank(c) });
    if (definitionAtom) edits.push({ ...definitionAtom, text: blank(definitionAtom) });
    const strings = (e: SExpr): void => {
      if (e.kind === 'list') e.items.forEach(strings);
      else if (e.kind === 'string' && /[^\x00-\x7f]/.test(src.slice(e.start, e.end))) {
        const text = src
          .slice(e.start, e.end)
          .replace(/[^\x00-\x7f]/gu, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
        edits.push({ start: e.start, end: e.end, text });
      }
    };
    strings(m);
    edits.sort((a, b) => a.start - b.start);
    let out = '';
    let at = m.start;
    for (const ed of edits) {
      out += src.slice(at, ed.start) + ed.text;
      at = ed.end;
    }
    return out + src.slice(at, m.end);
  }

  private action(e: SExpr | undefined, cmd: WastCommand): WastAction {
    const type = e ? head(e) : undefined;
    if (e?.kind !== 'list' || (type !== 'invoke' && type !== 'get'))
      throw new Unsupported('expected an action (invoke or get)');
    let i = 1;
    const action: WastAction = { type, field: '' };
    if (isName(e.items[i])) action.module = atomText(e.items[i++]);
    action.field = stringOf(e.items[i++], 'the export name');
    const values = new Values(cmd, this.floats);
    if (type === 'invoke') action.args = e.items.slice(i).map((x) => values.value(x, false));
    else if (i < e.items.length) throw new Unsupported('get takes no arguments');
    return action;
  }

  private failureText(e: SExpr | undefined, cmd: WastCommand): void {
    if (e?.kind === 'string') cmd.text = stringOf(e, 'the failure message');
  }

  private results(items: readonly SExpr[], cmd: WastCommand): void {
    const values = new Values(cmd, this.floats);
    const eitherAt = items.findIndex((x) => head(x) === 'either');
    if (eitherAt < 0) {
      cmd.expected = items.map((x) => values.value(x, true));
      return;
    }
    if (items.length !== 1) throw new Unsupported('either among several results');
    const alts = (items[0] as SList).items.slice(1);
    if (alts.some((x) => head(x) === 'either')) throw new Unsupported('nested either');
    cmd.either = alts.map((x) => values.value(x, true));
  }

  private command(e: SList, type: string, cmd: WastCommand): void {
    const [, a, b] = e.items;
    switch (type) {
      case 'module':
        if (atomText(a) === 'instance') {
          cmd.type = 'module_instance';
          const names = e.items.slice(2);
          if (names.length > 2 || !names.every(isName)) throw new Unsupported('malformed module instance');
          if (names.length === 2) cmd.name = atomText(names[0]);
          cmd.module = atomText(names[names.length - 1]);
          return;
        }
        this.moduleSource(e, cmd);
        if (cmd.definition) cmd.type = 'module_definition';
        return;
      case 'register':
        cmd.as = stringOf(a, 'the registered name');
        if (isName(b)) cmd.name = atomText(b);
        return;
      case 'invoke':
      case 'get':
        cmd.type = 'action';
        cmd.action = this.action(e, cmd);
        cmd.expected = [];
        return;
      case 'assert_return':
        cmd.action = this.action(a, cmd);
        this.results(e.items.slice(2), cmd);
        return;
      case 'assert_trap':
        if (head(a) === 'module') {
          // A module whose instantiation traps, as wast2json writes it.
          cmd.type = 'assert_uninstantiable';
          this.moduleSource(a as SList, cmd);
        } else cmd.action = this.action(a, cmd);
        this.failureText(b, cmd);
        return;
      case 'assert_exhaustion':
      case 'assert_exception':
        cmd.action = this.action(a, cmd);
        this.failureText(b, cmd);
        return;
      case 'assert_invalid':
      case 'assert_malformed':
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        if (a?.kind !== 'list') throw new Unsupported(`${type} without a module`);
        this.moduleSource(a, cmd);
        this.failureText(b, cmd);
        return;
      default:
        throw new Unsupported(`command ${type} is not supported by the runner`);
    }
  }

  read(): void {
    const exprs = readSExprs(this.src, this.comments);
    const first = exprs[0] ? head(exprs[0]) : undefined;
    if (first !== undefined && MODULE_FIELDS.has(first)) {
      // A script of module fields is one inline module.
      const all: SList = { kind: 'list', items: [], start: 0, end: this.src.length, line: 1 };
      const cmd: WastCommand = {
        type: 'module',
        line: exprs[0].line,
        filename: 'module.0',
        module_type: 'text',
      };
      this.sources.set('module.0', { text: `(module\n${this.moduleText(all, undefined)}\n)` });
      this.commands.push(cmd);
      return;
    }
    for (const e of exprs) {
      const type = head(e);
      const cmd: WastCommand = { type: type ?? 'unknown', line: e.line };
      this.commands.push(cmd);
      try {
        if (e.kind !== 'list' || type === undefined) throw new Unsupported('a command is a list');
        this.command(e, type, cmd);
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        cmd.notRun = err.message;
      }
    }
  }
}

/** The commands of a `.wast` script; throws `WastSyntaxError` when it does not read as s-expressions. */
export function readWast(src: string, sourceFilename?: string): WastScriptSource {
  const r = new ScriptReader(src);
  r.read();
  return {
    source_filename: sourceFilename,
    textParsed: true,
    commands: r.commands,
    sources: r.sources,
    floats: r.floats,
  };
}
