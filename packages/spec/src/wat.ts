/**
 * Text modules to binary with wasm-tools' WAT parser (through jco), plus the
 * two things the scripts need around it: the folded form of the legacy `try`
 * (which the parser lacks) rewritten to the flat form, and float literals
 * encoded exactly (the parser rounds them; JS's Number() cannot round to f32).
 */
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { parseModule, resolveFeatures } from '@wasmloom/binary';
import { readSExprs, type SExpr, type SList } from './sexpr.js';
import { TextRejected } from './text-rejected.js';

/** wasm-tools' errors reach JS as the Rust `Debug` text; keep the message and offset. */
function parserMessage(e: unknown): string {
  const raw = String((e as { message?: unknown })?.message ?? e);
  const custom = /kind: Custom\("((?:[^"\\]|\\.)*)"\)/.exec(raw);
  const offset = /span: Span \{ offset: (\d+) \}/.exec(raw);
  const what = custom
    ? custom[1]
    : (/kind: (\w+)/.exec(raw.replace(/^Error \{ kind: Wast\(/, ''))?.[1] ?? raw);
  return offset ? `${what} (at offset ${offset[1]})` : what;
}

/** Parses a whole `(module ...)` text; throws `TextRejected`. */
export async function parseWat(text: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await parse(desugarLegacyTry(text));
  } catch (e) {
    throw new TextRejected(parserMessage(e));
  }
  return bytes;
}

// ---- Folded legacy try -------------------------------------------------------------

interface Edit {
  start: number;
  end: number;
  text: string;
}

const TRY_CLAUSES: Record<string, string> = {
  do: '',
  catch: 'catch',
  catch_all: 'catch_all',
  delegate: 'delegate',
};

function clauseOf(e: SExpr): string | undefined {
  if (e.kind !== 'list' || e.items[0]?.kind !== 'atom') return undefined;
  const k = e.items[0].text;
  return k in TRY_CLAUSES ? k : undefined;
}

/**
 * The clauses of a well-formed folded try: after the label and block type,
 * `(do ...)` then `(catch $t ...)*` and at most one `(catch_all ...)` last, or
 * `(do ...)` and `(delegate l)`. Undefined for any other shape, which is left
 * for the parser to reject.
 */
function tryClauses(t: SList): SList[] | undefined {
  const first = t.items.findIndex((x) => clauseOf(x) !== undefined);
  if (first < 0) return undefined;
  const clauses = t.items.slice(first) as SList[];
  const kinds = clauses.map(clauseOf);
  if (kinds[0] !== 'do' || kinds.includes(undefined)) return undefined;
  const rest = kinds.slice(1);
  if (rest.length === 1 && rest[0] === 'delegate') return clauses;
  const all = rest.indexOf('catch_all');
  if (rest.some((k) => k === 'do' || k === 'delegate') || (all >= 0 && all !== rest.length - 1))
    return undefined;
  return clauses;
}

function collectTryEdits(e: SExpr, edits: Edit[]): void {
  if (e.kind !== 'list') return;
  const first = e.items[0];
  const clauses = first?.kind === 'atom' && first.text === 'try' ? tryClauses(e) : undefined;
  if (clauses) rewriteTry(e, clauses, edits);
  for (const x of e.items) collectTryEdits(x, edits);
}

/** `(try bt (do A) (catch $t B) (catch_all C))` → `try bt A catch $t B catch_all C end`; `(delegate l)` ends it. */
function rewriteTry(t: SList, clauses: SList[], edits: Edit[]): void {
  edits.push({ start: t.start, end: t.items[0].end, text: ' try' });
  for (const x of clauses) {
    edits.push({ start: x.start, end: x.items[0].end, text: ` ${TRY_CLAUSES[clauseOf(x) ?? 'do']}` });
    edits.push({ start: x.end - 1, end: x.end, text: ' ' });
  }
  const delegated = clauseOf(clauses[clauses.length - 1]) === 'delegate';
  edits.push({ start: t.end - 1, end: t.end, text: delegated ? ' ' : ' end ' });
}

/**
 * The module text with every folded legacy `try` written flat (the binary is
 * the same; wasm-tools only reads the flat form). Text that does not read as
 * s-expressions is returned as it is, for the parser to reject.
 */
export function desugarLegacyTry(text: string): string {
  if (!text.includes('try')) return text;
  let exprs: SExpr[];
  try {
    exprs = readSExprs(text);
  } catch {
    return text;
  }
  const edits: Edit[] = [];
  for (const e of exprs) collectTryEdits(e, edits);
  if (edits.length === 0) return text;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const ed of edits) {
    out += text.slice(at, ed.start) + ed.text;
    at = ed.end;
  }
  return out + text.slice(at);
}

// ---- Float literals -------------------------------------------------------------------

export interface FloatLiteral {
  type: 'f32' | 'f64';
  /** The literal as written: `1.5`, `-0x1p-149`, `inf`, `nan:0x200000`, ... */
  text: string;
}

const ALL_FEATURES = resolveFeatures({
  simd: true,
  multiValue: true,
  referenceTypes: true,
  bulkMemory: true,
});

/** The exact bits of each literal (u32 number for f32, u64 bigint for f64), in one parse. */
async function encodeBatch(lits: readonly FloatLiteral[]): Promise<(number | bigint)[]> {
  const globals = lits.map((l) => `(global ${l.type} (${l.type}.const ${l.text}))`).join('\n');
  const bytes = await parseWat(`(module\n${globals}\n)`);
  const module = parseModule(bytes, { features: ALL_FEATURES, keepBodies: false });
  return module.module.globals.map((g) => {
    const imm = g.init.instrs[0]?.imm;
    if (typeof imm !== 'number' && typeof imm !== 'bigint')
      throw new Error('float literal global without a value');
    return imm;
  });
}

/**
 * The bits of every literal, or a `TextRejected` for one the parser does not
 * accept (the others still get theirs).
 */
export async function encodeFloats(
  lits: readonly FloatLiteral[],
): Promise<(number | bigint | TextRejected)[]> {
  if (lits.length === 0) return [];
  try {
    return await encodeBatch(lits);
  } catch (e) {
    if (!(e instanceof TextRejected)) throw e;
  }
  const out: (number | bigint | TextRejected)[] = [];
  for (const l of lits) {
    try {
      out.push((await encodeBatch([l]))[0]);
    } catch (e) {
      if (!(e instanceof TextRejected)) throw e;
      out.push(new TextRejected(`${l.type} literal ${l.text}: ${e.message}`));
    }
  }
  return out;
}
