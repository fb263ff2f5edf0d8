/**
 * `compileFunction`: one pass over a function body that validates it as the
 * WebAssembly 2.0 spec does and emits the body's JavaScript source at the same
 * time. The validator (operand-type stack, control stack) decides; the emitter
 * runs only for reachable code of a valid prefix, so it never sees dead code.
 *
 * Code shape (calling convention and names: runtime/src/abi.ts):
 * - wasm local i is `l{i}` (i64: `l{i}` low, `k{i}` high); operand stack slot at
 *   height h is `s{h}` (i64: `s{h}`, `t{h}`); `x` is a scratch number.
 * - Operands are kept as pending expressions while they are pure functions of
 *   locals, constants and their own slot (no trap, no memory or mutable-global
 *   read), so `local.get; i32.const; i32.add; local.set` becomes one statement.
 *   Everything else is a statement assigning its slot. Pending operands are
 *   stored to their slots at every control-flow boundary, and those that read a
 *   local are stored before that local is assigned. A `local.set` of a value a
 *   statement just stored makes that statement store into the local
 *   (`retarget`), and an i64 used only for its low half drops the statement
 *   part that made its high half (`loOnly`).
 * - Text is kept short (sources are most of what a compiled module holds, and
 *   V8 parses them at instantiation): the memory bindings' local copies have
 *   one-letter names (`View`), the DataView accessors one-letter aliases
 *   (runtime helpers.ts, `MemoryView`), and expressions written as statements,
 *   arguments or conditions lose their outer parentheses (`bare`).
 * - Blocks are labelled blocks, loops `for(;;)` with `continue`, if/else is
 *   if/else, br_table a switch; labels are emitted only when branched to.
 * - Deep nesting is flattened: a block opened where the JS nesting is already
 *   `FLAT_DEPTH` deep becomes a *region* `L{n}:for(j=0;;){switch(j){case 0:…}break;}`,
 *   and blocks opened directly inside a region's blocks join it without braces:
 *   each ends in a `case {id}:` and a branch to it is `j={id};continue L{n};`.
 *   Go's resumable functions nest ~2,100 blocks around a br_table, which as
 *   nested JS blocks would overflow V8's parser stack (about 2,000 levels).
 *
 * Shaped for V8's optimizing compiler (measured on the benchmark kernels, see
 * the notes at each place):
 * - A trap is `break T{c}` to the end of the function, where the one
 *   `throw trap(c)` per code is (`trap`).
 * - Memory views and the byte length are read into locals (`mv`), again after
 *   calls and memory.grow; a bounds check implied by an earlier one on the same
 *   local is left out, inside loops too when the loop does not assign that
 *   local (`boundsCheck`).
 * - Integer arithmetic is truncated right away (`|0`) and products are formed
 *   so that V8 has nothing to speculate on that could fail later: a
 *   deoptimization can leave a long-running function in its OSR code for good.
 * - Parameters a loop assigns are typed on entry; stack slots and the scratch
 *   are `var`s without initializers (V8's inlining budget counts bytecode).
 *   For the same budget, `imul` and the immutable globals passed to it are
 *   read into locals on entry (a call argument from the factory scope costs a
 *   load into a register at each call), and an i64.mul stores its low half
 *   inside the high half's expression instead of copying slots (`numeric.ts`).
 * - A comparison used as a number is `(a<b|0)`, or the bare boolean as an
 *   operand of + - and bitwise operators (`val`, `num`): never a branch.
 * - f32 NaN payloads cost a check only where they can be seen: a load used
 *   only by arithmetic is a plain DataView read (`quietF32Loads`), a store of
 *   an arithmetic result a plain DataView write (`QUIET`).
 *
 * - A function too large for V8's optimizing compiler (`SPLIT_CHARS`) has runs
 *   of its code wrapped in place into closures, `function $s{k}(){…}$s{k}();`
 *   (`segmentBoundary`), so that each part can be optimized; see `finish`.
 *
 * Not here: SIMD, exceptions, threads, GC, memory64, multi-memory codegen: they
 * fail with a clear WasmError instead of producing wrong code.
 */
import {
  BlockKind,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  type FunctionBody,
  I32,
  I64,
  invalid,
  isRef,
  type ModuleEnv,
  malformed,
  Op,
  OperatorReader,
  opInfo,
  refType,
  V128,
  type ValType,
  valTypeName,
  WasmError,
} from '@wasmloom/binary';
import { emitNumeric, litValue } from './numeric.js';

/** Type of a polymorphic stack's missing operands. */
export const BOT = 0;

// Entry flags of the emitter's operand stack.
/** The value is in its slot variable (`s{h}`). */
export const MAT = 1;
/** The expression is a JS boolean (an i32 0/1 when used as a number). */
export const BOOL = 2;
/** The expression is a variable or a literal: cheap to repeat. */
export const SIMPLE = 4;
/** The pending expression reads its own slot variable. */
export const REFSLOT = 8;
/**
 * An f32 value that is not a signalling NaN (the result of f32 arithmetic or a
 * conversion, a constant): f32.store writes it with the DataView's setFloat32,
 * which turns a quiet NaN's double into the same f32 bits `storeF32` makes.
 */
export const QUIET = 16;

/** Shapes of a statement storing into slot h only (`FunctionCompiler.stored`): `s{h}=lo;`, `s{h}=lo;t{h}=hi;`, `t{h}=hi;s{h}=lo;`. */
const STORED_S = 0;
const STORED_S_T = 1;
const STORED_T_S = 2;

/** `loc` of an entry reading no local / several locals. */
export const NO_LOCAL = -1;
export const MANY_LOCALS = -2;

enum Kind {
  block = 0,
  loop = 1,
  if = 2,
  else = 3,
  func = 4,
}

interface Frame {
  kind: Kind;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Type-stack height below the frame's params. */
  height: number;
  unreachable: boolean;
  /** Opened in unreachable code: nothing of it is emitted. */
  dead: boolean;
  labelUsed: boolean;
  /** Index in `out` of the label placeholder. */
  head: number;
  /** 1-based position in the control stack: the JS label is `L{n}`. */
  n: number;
  /** Bounds-check facts holding where the frame starts (minus bases assigned inside it). */
  factsIn: Map<string, Fact>;
  /** The flat region the (live) block is in: the root frame, itself for the root; else null. */
  region: Frame | null;
  /** A region member's case id (its end is `case {id}:`); 0 for the root and other frames. */
  caseId: number;
  /** The JS nesting levels the frame's own code adds (see `depth`). */
  levels: number;
  /** On the control stack (not yet ended). */
  open: boolean;
  /**
   * The segment being gathered in this frame's body (see `segmentBoundary`):
   * the index in `out` of its opening placeholder, or -1; how far its size has
   * been counted, the characters counted, and those of segments closed inside it.
   */
  segStart: number;
  segScan: number;
  segSize: number;
  segInner: number;
  /** Alignment facts holding where the frame starts (the same way). */
  alignIn: Map<string, AlignFact>;
}

const EMPTY: readonly ValType[] = Object.freeze([]);

/** A control frame as it starts: nothing branched to, nothing emitted for it yet. */
function newFrame(
  kind: Kind,
  params: readonly ValType[],
  results: readonly ValType[],
  height: number,
  dead: boolean,
  n: number,
  factsIn: Map<string, Fact>,
  alignIn: Map<string, AlignFact>,
): Frame {
  return {
    kind,
    params,
    results,
    height,
    unreachable: false,
    dead,
    labelUsed: false,
    head: -1,
    n,
    factsIn,
    alignIn,
    region: null,
    caseId: 0,
    levels: 0,
    open: true,
    segStart: -1,
    segScan: 0,
    segSize: 0,
    segInner: 0,
  };
}

/**
 * JS nesting (statements inside statements) at which a block starts a flat
 * region. V8's parser overflows its stack at about 2,000 nested blocks; the
 * margin leaves room for the nesting that is not flattened (ifs, loops,
 * expressions) and for a caller that already uses part of the stack.
 */
export const FLAT_DEPTH = 100;

/**
 * Source characters of a function above which its code is split into closures.
 * V8 never optimizes a function whose bytecode exceeds 60 KB
 * (`--max-optimized-bytecode-size`), and generated code takes about 1.6 bytes
 * of bytecode per character once a function has more than 256 feedback slots
 * (every operand is then wide): hash-wasm's sha512 block function (89 K
 * characters, 142 KB of bytecode) ran 330x slower than native unoptimized.
 */
export const SPLIT_CHARS = 30_000;

/** Characters from which a run of code at one nesting level becomes a function of its own. */
export const SEGMENT_CHARS = 8_000;

/**
 * `{prefix}{i}{suffix}` for i = 0, 1, ...: slot, local and trap names and
 * the assignment prefixes made of them (`s{h}`, `l{k}`, `s{h}=`), each made
 * once. The compiler writes one at nearly every instruction, and each
 * template string is an allocation or two: compiling esbuild-wasm allocated
 * about 1.9 GB, and its young-generation GCs took about a fifth of the time
 * (more on worker threads, whose GC helpers compete with the compile threads).
 */
class NameTable {
  private readonly names: string[] = [];
  private readonly prefix: string;
  private readonly suffix: string;

  constructor(prefix: string, suffix = '') {
    this.prefix = prefix;
    this.suffix = suffix;
  }

  get(i: number): string {
    const names = this.names;
    if (i < names.length) return names[i];
    // Filled in order (a packed array); an index past the cap is made each time.
    if (i >= NAME_TABLE_MAX) return `${this.prefix}${i}${this.suffix}`;
    while (names.length <= i) names.push(`${this.prefix}${names.length}${this.suffix}`);
    return names[i];
  }
}

/** Indices a `NameTable` keeps names for (locals go up to 50,000 and functions past 100,000, nearly all modules use far fewer). */
const NAME_TABLE_MAX = 16384;

/** Slot `s{h}`, its high half `t{h}`, local `l{k}`, its high half `k{k}`. */
export const S_NAME = new NameTable('s');
const T_NAME = new NameTable('t');
const L_NAME = new NameTable('l');
const K_NAME = new NameTable('k');
/** `s{h}=`, `t{h}=`: the statements storing a slot. */
const S_SET = new NameTable('s', '=');
export const T_SET = new NameTable('t', '=');
/** `l{k}=`, `k{k}=`: the statements storing a local. */
const L_SET = new NameTable('l', '=');
const K_SET = new NameTable('k', '=');
/** `f{i}(`: a call of function i. */
const CALL_OPEN = new NameTable('f', '(');
/** `G{g}.v`, `G{g}.h`: a mutable global's value (i64: low half) and i64 high half (abi.ts); with `=`. */
const GLOBAL_LO = new NameTable('G', '.v');
const GLOBAL_HI = new NameTable('G', '.h');
const GLOBAL_LO_SET = new NameTable('G', '.v=');
const GLOBAL_HI_SET = new NameTable('G', '.h=');
/** `break L{n};`, `continue L{n};`, `j={id};`: the jumps of a branch (`emitBranch`). */
const BREAK_LABEL = new NameTable('break L', ';');
const CONTINUE_LABEL = new NameTable('continue L', ';');
const CASE_JUMP = new NameTable('j=', ';');
/** `case {i}:`: a br_table's cases. */
const CASE_LABEL = new NameTable('case ', ':');
/** `break T{c};`: a trap's jump (see `FunctionCompiler.trap`). */
const TRAP_JUMP = new NameTable('break T', ';');

/** A variable of a function's source: a local, slot, the scratches, a memory binding's or `$` copy (abi.ts). */
const VARIABLE = /(?<![\w$.])(?:[lkstDNBIF]\d+|x|j|\$[A-Za-z_]\w*)(?![\w$])/g;
/** An assignment to one (group 1); comparisons (`<=`, `>=`, `==`) are not. */
const ASSIGNED = /(?<![\w$.])([lkstDNBIF]\d+|x|j|\$[A-Za-z_]\w*)(?:=(?!=)|[-+*/%&|^]=|<<=|>>>?=)/g;

/**
 * A memory binding (abi.ts) and its function-local copy: `N{m}` for the byte
 * length `LEN{m}`, `D{m}` for the DataView `DV{m}`, `B{m}` for the bytes
 * `U8{m}`, `I{m}` and `F{m}` for `I32_{m}` and `F64_{m}`. One or two letters
 * fewer at each of the millions of accesses a large module has (esbuild-wasm:
 * 1.2 M DataView calls, 0.6 M bounds checks), and no factory binding or
 * helper has such a name (runtime instance.ts checks the helpers). Made once
 * per memory (`memNames`), so a `View` is also its own identity in `views`.
 */
interface View {
  name: string;
  local: string;
}

/**
 * Memory m's bindings and the beginnings of the texts that name them, made
 * once: every access names some (see `NameTable`).
 */
interface MemNames {
  len: View;
  dv: View;
  u8: View;
  i32: View;
  f64: View;
  /** `B{m}[` */
  u8Open: string;
  /** `if(N{m}<` and `>>>0>N{m}-`: a bounds check's text around its address and end (`checkText`). */
  checkConst: string;
  checkOver: string;
  /** `D{m}.i(`...: the DataView calls up to their address, and the f32 helpers'. */
  dvCalls: DvCalls;
}

interface DvCalls {
  i: string;
  h: string;
  u: string;
  f: string;
  d: string;
  I: string;
  H: string;
  F: string;
  D: string;
  loadF32: string;
  storeF32: string;
}

const MEM_NAMES: MemNames[] = [];

function memNames(m: number): MemNames {
  let names = MEM_NAMES[m];
  if (names === undefined) {
    const view = (name: string, letter: string): View => ({ name: `${name}${m}`, local: `${letter}${m}` });
    const len = view('LEN', 'N');
    const dv = view('DV', 'D');
    const u8 = view('U8', 'B');
    const D = dv.local;
    names = {
      len,
      dv,
      u8,
      i32: view('I32_', 'I'),
      f64: view('F64_', 'F'),
      u8Open: `${u8.local}[`,
      checkConst: `if(${len.local}<`,
      checkOver: `>>>0>${len.local}-`,
      dvCalls: {
        i: `${D}.i(`,
        h: `${D}.h(`,
        u: `${D}.u(`,
        f: `${D}.f(`,
        d: `${D}.d(`,
        I: `${D}.I(`,
        H: `${D}.H(`,
        F: `${D}.F(`,
        D: `${D}.D(`,
        loadF32: `loadF32(${D},`,
        storeF32: `storeF32(${D},`,
      },
    };
    MEM_NAMES[m] = names;
  }
  return names;
}

/** The ends of a little-endian DataView read and write (`D0.i(a,true)`, `D0.I(a,v,true);`). */
const LE_END = ',true)';
const LE_STORE_END = ',true);';
/** The end of a bounds check: the out-of-bounds trap's jump (see `FunctionCompiler.trap`). */
const CHECK_END = ')break T1;';

/**
 * The bounds check of `end` bytes past `base`: `if(a>>>0>N0-end)`, or
 * `if(N0<end)` for a constant address (`base` '#'), then the trap's jump.
 */
function checkText(base: string, end: number, names: MemNames): string {
  if (base === '#') return `${names.checkConst}${end}${CHECK_END}`;
  return `if(${base}${names.checkOver}${end}${CHECK_END}`;
}

/** Whether `e` is a local's name, `l{k}` (a base whose checks and alignment are tracked). */
function isLocalName(e: string): boolean {
  return localIndex(e) >= 0;
}

/** k if `e` is a local's name `l{k}`, else -1 (no regular expression: no match objects). */
export function localIndex(e: string): number {
  const n = e.length;
  if (n < 2 || e.charCodeAt(0) !== 108 /* l */) return -1;
  let k = 0;
  for (let i = 1; i < n; i++) {
    const c = e.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    k = k * 10 + (c - 48);
  }
  return n > 16 ? Number(e.slice(1)) : k;
}

/** The typed-array index after `index` (an i64's high word): `lit` is non-null for a constant address. */
function nextIndex(index: string, lit: number | null): string {
  return lit !== null ? numLit(Number(index) + 1) : `(${index})+1`;
}

/**
 * A passed bounds check: `end` = offset + size checked on a base. `origin` is
 * null for a check that dominates the current point, or the outermost loop
 * whose entry it preceded: it holds inside that loop only if the loop never
 * assigns the base, which is known at the loop's end (checks left out on that
 * assumption are `Pending` until then).
 */
interface Fact {
  end: number;
  origin: Frame | null;
}

/** A local's known alignment: its value has at least `tz` trailing zero bits (`origin` as in `Fact`). */
interface AlignFact {
  tz: number;
  origin: Frame | null;
}

/** The alignment facts that hold for sure (`origin` null), one per `tz` (facts are never changed, only replaced). */
const ALIGN_KNOWN: AlignFact[] = [];
for (let tz = 0; tz <= 32; tz++) ALIGN_KNOWN.push({ tz, origin: null });

function alignKnown(tz: number): AlignFact {
  return ALIGN_KNOWN[tz] ?? { tz, origin: null };
}

/**
 * Code emitted on an assumption (`Fact.origin`): a left-out check (`out[at]` is
 * empty) or a typed-array access; `out[at]` becomes `text` if the assumption fails.
 */
interface Pending {
  at: number;
  text: string;
  base: string;
  origin: Frame;
  /** Trailing zero bits of the base an access needs; Infinity for a check (any new value undoes it). */
  need: number;
  /** A memory binding `text` uses (see `mv`), or null. */
  view: View | null;
}

/** Access size in bytes of each load and store. */
const MEM_OPS = new Map<number, { size: number }>([
  [Op.i32_load, { size: 4 }],
  [Op.i64_load, { size: 8 }],
  [Op.f32_load, { size: 4 }],
  [Op.f64_load, { size: 8 }],
  [Op.i32_load8_s, { size: 1 }],
  [Op.i32_load8_u, { size: 1 }],
  [Op.i32_load16_s, { size: 2 }],
  [Op.i32_load16_u, { size: 2 }],
  [Op.i64_load8_s, { size: 1 }],
  [Op.i64_load8_u, { size: 1 }],
  [Op.i64_load16_s, { size: 2 }],
  [Op.i64_load16_u, { size: 2 }],
  [Op.i64_load32_s, { size: 4 }],
  [Op.i64_load32_u, { size: 4 }],
  [Op.i32_store, { size: 4 }],
  [Op.i64_store, { size: 8 }],
  [Op.f32_store, { size: 4 }],
  [Op.f64_store, { size: 8 }],
  [Op.i32_store8, { size: 1 }],
  [Op.i32_store16, { size: 2 }],
  [Op.i64_store8, { size: 1 }],
  [Op.i64_store16, { size: 2 }],
  [Op.i64_store32, { size: 4 }],
]);

/**
 * Operators taking f32 operands whose results do not depend on a NaN operand's
 * payload beyond it being a NaN, quiet or canonical (`quietF32Loads`).
 */
const QUIET_OK = new Set<number>([
  Op.f32_eq,
  Op.f32_ne,
  Op.f32_lt,
  Op.f32_gt,
  Op.f32_le,
  Op.f32_ge,
  Op.f32_ceil,
  Op.f32_floor,
  Op.f32_trunc,
  Op.f32_nearest,
  Op.f32_sqrt,
  Op.f32_add,
  Op.f32_sub,
  Op.f32_mul,
  Op.f32_div,
  Op.f32_min,
  Op.f32_max,
  Op.i32_trunc_f32_s,
  Op.i32_trunc_f32_u,
  Op.i64_trunc_f32_s,
  Op.i64_trunc_f32_u,
  Op.f64_promote_f32,
  Op.i32_trunc_sat_f32_s,
  Op.i32_trunc_sat_f32_u,
  Op.i64_trunc_sat_f32_s,
  Op.i64_trunc_sat_f32_u,
]);

/**
 * Whether `op` leaves the stack's f32.load values unread until a numeric
 * operator uses them (`FunctionCompiler.rawF32`): pushes, loads and numeric
 * operators. Anything else (local.tee, branches with values, stores, calls,
 * block ends...) may copy a value, so the loads it leaves keep `loadF32`.
 */
function keepsRawF32(op: number): boolean {
  return (
    op === Op.local_get ||
    op === Op.global_get ||
    (op >= Op.i32_const && op <= Op.f64_const) ||
    (op >= Op.i32_load && op <= Op.i64_load32_u) ||
    (op >= Op.i32_eqz && op <= Op.i64_extend32_s) ||
    (op >= Op.i32_trunc_sat_f32_s && op <= Op.i64_trunc_sat_f64_u)
  );
}

/** Where functions are split (`SPLIT_CHARS`, `SEGMENT_CHARS`); tests pass small ones to split everything. */
export interface SplitLimits {
  splitChars: number;
  segmentChars: number;
}

const DEFAULT_LIMITS: SplitLimits = { splitChars: SPLIT_CHARS, segmentChars: SEGMENT_CHARS };

export function compileFunction(
  env: ModuleEnv,
  index: number,
  body: FunctionBody,
  limits: SplitLimits = DEFAULT_LIMITS,
): string {
  const c = new FunctionCompiler(env, index, body, limits);
  try {
    return c.compile();
  } catch (e) {
    if (e instanceof WasmError && e.funcIndex === undefined) e.funcIndex = index;
    throw e;
  }
}

/** Validation only; same checks and errors as `compileFunction`. */
export function validateFunction(env: ModuleEnv, index: number, body: FunctionBody): void {
  compileFunction(env, index, body);
}

/** A JS literal for a number (i32 or float value). */
export function numLit(v: number): string {
  if (v === 0) return 1 / v < 0 ? '(-0)' : '0';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return v < 0 ? `(${v})` : `${v}`;
}

export class FunctionCompiler {
  readonly limits: SplitLimits;
  readonly env: ModuleEnv;
  readonly index: number;
  readonly r: OperatorReader;
  readonly type: FuncType;
  localTypes: ValType[] = [];

  // Validator state.
  vt: number[] = [];
  sp = 0;
  ctrl: Frame[] = [];
  frame!: Frame;

  // Emitter state.
  live = true;
  out: string[] = [];
  /** Per height: expression (i64: low half), high half, flags, local read. */
  ex: string[] = [];
  eh: string[] = [];
  ef: number[] = [];
  el: number[] = [];
  maxS = 0;
  maxT = 0;
  usesX = false;
  /** Code calls `imul` through the local copy `$imul` (`numeric.ts`, `imul`). */
  usesImul = false;
  /** Immutable globals' values (`GV{g}`, `GH{g}`) passed to `imul` through local copies `$GV{g}`, `$GH{g}`. */
  copies = new Set<string>();
  /** A flat region's switch variable `j` is used. */
  usesJ = false;
  /**
   * Memory views and lengths used (`LEN0`, `DV0`, `F64_0`...): each is read into its
   * function local (`N0`, `D0`, `F0`...) on entry and again after every call and
   * memory.grow (anything that may replace the buffer), at the `out` indices in `reloads`.
   */
  views = new Set<View>();
  reloads: number[] = [];
  /** Trap codes used: bit c set when some site jumps to `T{c}` (see `trap`). */
  traps = 0;
  /**
   * Bounds checks passed on every path to the current point: base (`l{k}`, or
   * '#' for constant addresses) → largest `offset + size` checked.
   */
  facts = new Map<string, Fact>();
  /** Known alignment of i32 locals (`l{k}`), kept like `facts`. */
  align = new Map<string, AlignFact>();
  /**
   * `facts` (`align`) is also a frame's entry facts: copied before it changes
   * (`ownFacts`). A frame starts with the current facts and a merge point
   * takes a frame's; a copy at each was a fifth of what compiling
   * esbuild-wasm allocated, where most blocks change neither. Frames that
   * share entry facts were opened with the same facts, so they name the same
   * bases (`holders`), and `forgetBase` changes them all alike.
   */
  factsShared = false;
  alignShared = false;
  pending: Pending[] = [];
  /** Per height: trailing zero bits known of an i32 entry's value (0 if unknown). */
  ez: number[] = [];
  /** Per height: `k * 64 + z` for an i32 entry `l{k} ± c` with c having z trailing zeros, else -1. */
  ei: number[] = [];
  /** Locals assigned inside a loop. */
  loopAssigned = new Set<number>();
  /** Loops open at the current point. */
  loops = 0;
  /** JS nesting of the code being emitted: the live frames' `levels` added up. */
  depth = 0;
  /** The last flat-region case id given out (unique in the function). */
  cases = 0;
  /** Closed segments: pairs of `out` indices (opening placeholder, closing placeholder). */
  segments: number[] = [];
  /** Instructions since the last segment size count. */
  segTick = 0;
  /** The frames from this index up the control stack have no segment open (see `leaving`). */
  segClear = 0;
  /** Per base, the open frames (and some ended ones) whose entry facts name it. */
  holders = new Map<string, Frame[]>();
  /** A loop has ended before the current point. */
  afterLoop = false;
  /**
   * f32.loads whose value is still unused on the stack: height → the index in
   * `out` of their `s{h}=loadF32(...)` and that statement with a plain
   * DataView read instead (`quietF32Loads`).
   */
  rawF32 = new Map<number, { at: number; text: string }>();
  /**
   * The last statement that stored a value into a slot only (`stored`): its
   * index in `out` (-1: none), the slot's height, its shape, right-hand sides
   * and text. For `retarget` and `loOnly`.
   */
  stAt = -1;
  stH = 0;
  stShape = STORED_S;
  stLo = '';
  stHi = '';
  stText = '';

  constructor(env: ModuleEnv, index: number, body: FunctionBody, limits: SplitLimits = DEFAULT_LIMITS) {
    this.limits = limits;
    this.env = env;
    this.index = index;
    this.r = new OperatorReader(body.bytes, 0, body.bytes.length, body.offset, env.features);
    const td = env.types[env.funcs[index]];
    if (td === undefined || td.kind !== 'func')
      throw invalid(`unknown type of function ${index}`, body.offset);
    this.type = td;
  }

  // ---- errors -------------------------------------------------------------------------

  err(message: string): WasmError {
    return invalid(message, this.r.opOffset);
  }

  unsupported(what: string): WasmError {
    return invalid(`unsupported: ${what} is not implemented by wasmloom yet`, this.r.opOffset);
  }

  checkType(t: ValType): void {
    if (t === V128) throw this.unsupported('SIMD (v128)');
    if (isRef(t) && t !== FUNCREF && t !== EXTERNREF)
      throw this.unsupported(`reference type ${valTypeName(t)}`);
  }

  checkTypes(ts: readonly ValType[]): void {
    for (let i = 0; i < ts.length; i++) this.checkType(ts[i]);
  }

  // ---- validator stack ------------------------------------------------------------------

  push(t: ValType): void {
    this.vt[this.sp++] = t;
  }

  pop(expect: ValType): ValType {
    const f = this.frame;
    if (this.sp === f.height) {
      if (f.unreachable) return BOT;
      throw this.err(`type mismatch: expected ${valTypeName(expect)}, stack empty`);
    }
    const t = this.vt[--this.sp];
    if (t !== expect && t !== BOT && expect !== BOT) {
      throw this.err(`type mismatch: expected ${valTypeName(expect)}, got ${valTypeName(t)}`);
    }
    return t;
  }

  popAny(): ValType {
    const f = this.frame;
    if (this.sp === f.height) {
      if (f.unreachable) return BOT;
      throw this.err('type mismatch: stack empty');
    }
    return this.vt[--this.sp];
  }

  popVals(ts: readonly ValType[]): void {
    for (let i = ts.length - 1; i >= 0; i--) this.pop(ts[i]);
  }

  pushVals(ts: readonly ValType[]): void {
    for (let i = 0; i < ts.length; i++) this.push(ts[i]);
  }

  /** The types of a label: a loop's params, else the results. */
  labelTypes(f: Frame): readonly ValType[] {
    return f.kind === Kind.loop ? f.params : f.results;
  }

  labelFrame(depth: number): Frame {
    if (depth >= this.ctrl.length) throw this.err(`unknown label ${depth}`);
    return this.ctrl[this.ctrl.length - 1 - depth];
  }

  /** Check the top of the stack against `ts` without popping (br_if, br_table). */
  peekVals(ts: readonly ValType[]): void {
    const f = this.frame;
    const n = ts.length;
    for (let j = 0; j < n; j++) {
      const pos = this.sp - n + j;
      let t: ValType;
      if (pos < f.height) {
        if (!f.unreachable) throw this.err('type mismatch: not enough operands for branch');
        t = BOT;
      } else t = this.vt[pos];
      if (t !== ts[j] && t !== BOT) throw this.err('type mismatch in branch operands');
    }
  }

  setUnreachable(): void {
    this.sp = this.frame.height;
    this.frame.unreachable = true;
    this.live = false;
  }

  blockTypeParams(): readonly ValType[] {
    const r = this.r;
    if (r.blockKind === BlockKind.type) {
      const td = this.env.types[r.blockType];
      if (td === undefined || td.kind !== 'func') throw this.err(`unknown type ${r.blockType}`);
      this.checkTypes(td.params);
      this.checkTypes(td.results);
      return td.params;
    }
    return EMPTY;
  }

  blockTypeResults(): readonly ValType[] {
    const r = this.r;
    if (r.blockKind === BlockKind.empty) return EMPTY;
    if (r.blockKind === BlockKind.value) {
      this.checkType(r.blockType);
      return [r.blockType];
    }
    return (this.env.types[r.blockType] as FuncType).results;
  }

  // ---- emitter: operand entries ---------------------------------------------------------------

  emit(s: string): void {
    this.out.push(s);
  }

  /** Set a pending entry at height h. */
  setPending(h: number, lo: string, hi: string, flags: number, loc: number): void {
    if (this.rawF32.size !== 0) this.rawF32.delete(h);
    this.ex[h] = lo;
    this.eh[h] = hi;
    this.ef[h] = flags;
    this.el[h] = loc;
    this.ez[h] = 0;
    this.ei[h] = -1;
  }

  /** Mark the entry at h as living in its slot(s), holding a new value. */
  setMat(h: number, i64: boolean): void {
    if (this.rawF32.size !== 0) this.rawF32.delete(h);
    this.ez[h] = 0;
    this.ei[h] = -1;
    this.ex[h] = S_NAME.get(h);
    if (i64) {
      this.eh[h] = T_NAME.get(h);
      if (h >= this.maxT) this.maxT = h + 1;
    }
    this.ef[h] = MAT | SIMPLE;
    this.el[h] = NO_LOCAL;
    if (h >= this.maxS) this.maxS = h + 1;
  }

  /** Emit `s{h}=expr;` for a non-i64 result. */
  assign(h: number, expr: string): void {
    // (No expression given here is one parenthesized whole: see `bare`.)
    this.stored(h, STORED_S, expr, '');
    this.setMat(h, false);
  }

  /** Emit a helper call returning an i64 (lo returned, hi in HI[0]). */
  assign64(h: number, call: string): void {
    this.stored(h, STORED_S_T, call, 'HI[0]');
    this.setMat(h, true);
  }

  /**
   * Pushes the statement storing `lo` (and `hi`) into slot h only, in this
   * shape; the caller sets the entry at h right after it (`setMat`).
   */
  stored(h: number, shape: number, lo: string, hi: string): void {
    const text =
      shape === STORED_S
        ? `${S_SET.get(h)}${lo};`
        : shape === STORED_S_T
          ? `${S_SET.get(h)}${lo};${T_SET.get(h)}${hi};`
          : `${T_SET.get(h)}${hi};${S_SET.get(h)}${lo};`;
    this.stAt = this.out.length;
    this.stH = h;
    this.stShape = shape;
    this.stLo = lo;
    this.stHi = hi;
    this.stText = text;
    this.out.push(text);
  }

  /**
   * The index in `out` of the last statement if it stored into slot h
   * (`stored`), is still as it was written, and nothing but a call's view
   * reload came after it; else -1. The slot then holds that statement's value,
   * and an entry at h living in the slot is that value.
   */
  lastStored(h: number): number {
    const at = this.stAt;
    if (at < 0 || this.stH !== h) return -1;
    const out = this.out;
    const n = out.length;
    if (
      at !== n - 1 &&
      !(at === n - 2 && out[n - 1] === '' && this.reloads[this.reloads.length - 1] === n - 1)
    )
      return -1;
    return out[at] === this.stText ? at : -1;
  }

  /**
   * The i64 entry at h is used for its low half only (i32.wrap_i64, a narrow
   * store, a sign extension, a shift count). If the statement just emitted
   * stored it (an i64.load, an i64 call result), the part storing its high
   * half goes: nothing has read slot `t{h}` since, and nothing will (only
   * this entry reads it). Go code loads pointers as i64 and wraps them right
   * away.
   */
  loOnly(h: number): void {
    if (!(this.ef[h] & MAT) || this.stShape === STORED_S) return;
    const at = this.lastStored(h);
    if (at < 0) return;
    const text = `${S_SET.get(h)}${this.stLo};`;
    this.out[at] = text;
    this.stShape = STORED_S;
    this.stHi = '';
    this.stText = text;
  }

  /**
   * `local.set` (or `tee`) of the value that the statement just emitted
   * stored into slot h: that statement stores into the local instead,
   * `s0=EXPR;l2=s0;` becoming `l2=EXPR;` (local k; `wide`: both halves of an
   * i64, into `l{k}` and `k{k}`, else the low half or a non-i64). The local is
   * assigned where it would have been, and nothing reads the slot afterwards
   * (the entry at h is popped or becomes the local). Returns whether it did;
   * the caller emits the copy otherwise.
   */
  retarget(h: number, k: number, wide: boolean): boolean {
    const at = this.lastStored(h);
    if (at < 0) return false;
    const lo = this.stLo;
    const hi = this.stHi;
    switch (this.stShape) {
      case STORED_S:
        if (wide) return false;
        this.out[at] = `${L_SET.get(k)}${lo};`;
        break;
      case STORED_S_T:
        if (!wide) return false;
        this.out[at] = `${L_SET.get(k)}${lo};${K_SET.get(k)}${hi};`;
        break;
      default:
        if (!wide) return false;
        this.out[at] = `${K_SET.get(k)}${hi};${L_SET.get(k)}${lo};`;
    }
    this.stAt = -1;
    return true;
  }

  /**
   * The entry at h as a number expression. A comparison's boolean becomes
   * `(cmp|0)`: V8 turns the flag into 0/1 without a branch, where `(cmp?1:0)`
   * compiles to a branch that mispredicts on data-dependent comparisons (a
   * branch-free quicksort partition, `j += (v < pivot) << 2`, measured 1.8x
   * faster); it is also less bytecode (15 bytes against 22 for `a+(cmp?1:0)|0`).
   */
  val(h: number): string {
    const f = this.ef[h];
    if (f & BOOL) {
      // `(a<b|0)` for `((a<b)|0)`: comparisons, equality and `!` bind tighter
      // than `|`; `&&` and `||` do not.
      const e = this.ex[h];
      const b = bare(e);
      if (b !== e && !b.includes('&&') && !b.includes('||')) return `(${b}|0)`;
      return `(${e}|0)`;
    }
    return this.ex[h];
  }

  /**
   * The entry at h as an operand of JS `+`, `-` or a bitwise operator, which
   * convert a boolean to 0/1 themselves (`1+true` is 2, `true<<2` is 4): a
   * comparison stays a bare boolean, one operation less than `val` (the i64
   * carry does the same, see `numeric.ts`). Not for `===`, calls or stores.
   */
  num(h: number): string {
    return this.ex[h];
  }

  /** The entry at h as a JS condition. */
  cond(h: number): string {
    return this.ex[h];
  }

  lo(h: number): string {
    return this.ex[h];
  }

  hi(h: number): string {
    return this.eh[h];
  }

  /** Store a pending entry into its slot. */
  materialize(h: number, t: ValType): void {
    const f = this.ef[h];
    if (f & MAT) return;
    const z = this.ez[h];
    if (t === I64) {
      const lo = this.ex[h];
      const hi = this.eh[h];
      const sl = S_NAME.get(h);
      const th = T_NAME.get(h);
      if (lo === sl) this.out.push(`${th}=${bare(hi)};`);
      else if (hi === th) this.out.push(`${sl}=${bare(lo)};`);
      else if (f & REFSLOT) {
        this.usesX = true;
        this.out.push(`x=${bare(lo)};${th}=${bare(reuseLow(hi, lo, 'x'))};${sl}=x;`);
      } else this.out.push(`${sl}=${bare(lo)};${th}=${bare(reuseLow(hi, lo, sl))};`);
      this.setMat(h, true);
    } else {
      this.stored(h, STORED_S, bare(this.val(h)), '');
      this.setMat(h, false);
      this.ez[h] = z;
      this.ef[h] |= f & QUIET;
    }
  }

  /** The entry at h as a variable or literal (stores it first if needed). */
  simple(h: number): string {
    if (!(this.ef[h] & SIMPLE)) this.materialize(h, I32);
    return this.ex[h];
  }

  simple64(h: number): void {
    if (!(this.ef[h] & SIMPLE)) this.materialize(h, I64);
  }

  /** Whether a result at a lower height may not stay pending on top of entry h. */
  readsSlot(h: number): boolean {
    return (this.ef[h] & (MAT | REFSLOT)) !== 0;
  }

  /** Store every pending entry of the current frame (control-flow boundary). */
  sync(): void {
    this.syncRange(this.frame.height, this.sp);
  }

  syncRange(from: number, to: number): void {
    const vt = this.vt;
    for (let h = from; h < to; h++) {
      if (!(this.ef[h] & MAT)) this.materialize(h, vt[h]);
    }
  }

  /** Before local k is assigned: store pending entries that read it. */
  flushLocal(k: number, below: number): void {
    for (let h = this.frame.height; h < below; h++) {
      const loc = this.el[h];
      if ((loc === k || loc === MANY_LOCALS) && !(this.ef[h] & MAT)) this.materialize(h, this.vt[h]);
    }
  }

  /** Move the top `n` values to the target frame's slots (a branch). */
  moveTo(target: Frame, n: number): void {
    const base = target.height;
    const src0 = this.sp - n;
    const lt = this.labelTypes(target);
    for (let j = 0; j < n; j++) {
      const src = src0 + j;
      const d = base + j;
      const i64 = lt[j] === I64;
      if (src === d) {
        this.materialize(src, lt[j]);
        continue;
      }
      if (i64) {
        this.out.push(`${S_SET.get(d)}${bare(this.lo(src))};${T_SET.get(d)}${bare(this.hi(src))};`);
        if (d >= this.maxT) this.maxT = d + 1;
      } else this.out.push(`${S_SET.get(d)}${bare(this.val(src))};`);
      if (d >= this.maxS) this.maxS = d + 1;
    }
  }

  /** The statement(s) returning the top values as the function's results. */
  emitReturn(): void {
    this.leaving(0);
    const results = this.type.results;
    const n = results.length;
    const base = this.sp - n;
    if (n === 0) this.out.push('return;');
    else if (n === 1) {
      if (results[0] === I64) this.out.push(`HI[0]=${bare(this.hi(base))};return ${bare(this.lo(base))};`);
      else this.out.push(`return ${bare(this.val(base))};`);
    } else {
      let k = 0;
      let s = '';
      for (let j = 0; j < n; j++) {
        const h = base + j;
        if (results[j] === I64) {
          s += `RV[${k}]=${bare(this.lo(h))};RV[${k + 1}]=${bare(this.hi(h))};`;
          k += 2;
        } else s += `RV[${k++}]=${bare(this.val(h))};`;
      }
      this.out.push(`${s}return;`);
    }
  }

  /** A branch to `target` with its values on top of the stack (emits moves and the jump). */
  emitBranch(target: Frame): void {
    if (target.kind === Kind.func) {
      this.emitReturn();
      return;
    }
    const n = this.labelTypes(target).length;
    this.moveTo(target, n);
    target.labelUsed = true;
    this.leaving(target.n);
    const region = target.region;
    if (region !== null && region !== target)
      this.out.push(`${CASE_JUMP.get(target.caseId)}${CONTINUE_LABEL.get(region.n)}`);
    else this.out.push(target.kind === Kind.loop ? CONTINUE_LABEL.get(target.n) : BREAK_LABEL.get(target.n));
  }

  /** Arguments of a call: the top `params.length` entries starting at height h. */
  args(h: number, params: readonly ValType[]): string {
    let s = '';
    for (let j = 0; j < params.length; j++) {
      if (j > 0) s += ',';
      if (params[j] === I64) s += `${bare(this.lo(h + j))},${bare(this.hi(h + j))}`;
      else s += bare(this.val(h + j));
    }
    return s;
  }

  /** Emit a call expression `callee` and read its results into slots from h. */
  emitCall(h: number, callee: string, results: readonly ValType[]): void {
    this.emitCallExpr(h, callee, results);
    // The callee may have grown the memory (replacing its buffer).
    this.reloadViews();
  }

  emitCallExpr(h: number, callee: string, results: readonly ValType[]): void {
    const n = results.length;
    if (n === 0) this.out.push(`${callee};`);
    else if (n === 1) {
      if (results[0] === I64) this.assign64(h, callee);
      else this.assign(h, callee);
    } else {
      let s = `${callee};`;
      let k = 0;
      for (let j = 0; j < n; j++) {
        const d = h + j;
        if (results[j] === I64) {
          s += `s${d}=RV[${k}];t${d}=RV[${k + 1}];`;
          k += 2;
          this.setMat(d, true);
        } else {
          s += `s${d}=RV[${k++}];`;
          this.setMat(d, false);
        }
      }
      this.out.push(s);
    }
  }

  // ---- frames -------------------------------------------------------------------------------------

  pushFrame(kind: Kind, params: readonly ValType[], results: readonly ValType[]): Frame {
    const f = newFrame(
      kind,
      params,
      results,
      this.sp,
      !this.live,
      this.ctrl.length + 1,
      this.facts,
      this.align,
    );
    this.factsShared = true;
    this.alignShared = true;
    for (const base of f.factsIn.keys()) this.holds(base, f);
    for (const base of f.alignIn.keys()) if (!f.factsIn.has(base)) this.holds(base, f);
    if (this.live) {
      const top = this.frame;
      if (kind === Kind.block && top.region !== null) {
        f.region = top.region;
        f.caseId = ++this.cases;
      } else if (kind === Kind.block && this.depth >= FLAT_DEPTH) {
        f.region = f;
        f.levels = 2;
      } else f.levels = 1;
      this.depth += f.levels;
    }
    if (kind === Kind.loop) {
      // Reached again from the back edges: a fact about a local holds in the loop
      // only if the loop does not assign the local (see `forgetBase`).
      this.facts.forEach((fact, base) => {
        if (base !== '#' && fact.origin === null) this.ownFacts().set(base, { end: fact.end, origin: f });
      });
      this.align.forEach((fact, base) => {
        if (fact.origin === null) this.ownAlign().set(base, { tz: fact.tz, origin: f });
      });
    }
    this.ctrl.push(f);
    this.frame = f;
    this.pushVals(params);
    return f;
  }

  /** Params of a frame entered live are in their slots. */
  matParams(f: Frame): void {
    for (let j = 0; j < f.params.length; j++) this.setMat(f.height + j, f.params[j] === I64);
  }

  // ---- the pass -------------------------------------------------------------------------------------

  compile(): string {
    const r = this.r;
    const env = this.env;
    const params = this.type.params;
    this.checkTypes(params);
    this.checkTypes(this.type.results);
    r.readLocals(params.length);
    const localTypes = r.localTypes(params);
    this.localTypes = localTypes;
    for (let i = params.length; i < localTypes.length; i++) this.checkType(localTypes[i]);

    const fnFrame = newFrame(Kind.func, EMPTY, this.type.results, 0, false, 0, new Map(), new Map());
    this.ctrl.push(fnFrame);
    this.frame = fnFrame;
    // Declared i32 locals start at 0: aligned to anything.
    for (let i = params.length; i < localTypes.length; i++) {
      if (localTypes[i] === I32) this.ownAlign().set(L_NAME.get(i), alignKnown(32));
    }

    const out = this.out;
    const numLocals = localTypes.length;

    for (;;) {
      if (r.pos >= r.end) throw malformed('END opcode expected', r.base + r.pos);
      if (this.live) this.segmentBoundary();
      const op = r.next();
      const live = this.live;
      if (this.rawF32.size !== 0 && !keepsRawF32(op)) this.rawF32.clear();
      switch (op) {
        case Op.unreachable:
          if (live) out.push(this.trap(0));
          this.setUnreachable();
          break;
        case Op.nop:
          break;
        case Op.block:
        case Op.loop: {
          const bp = this.blockTypeParams();
          const br = this.blockTypeResults();
          if (live) this.sync();
          this.popVals(bp);
          const f = this.pushFrame(op === Op.block ? Kind.block : Kind.loop, bp, br);
          if (op === Op.loop) this.loops++;
          if (live) {
            f.head = out.length;
            out.push('');
            this.matParams(f);
          }
          break;
        }
        case Op.if: {
          const bp = this.blockTypeParams();
          const br = this.blockTypeResults();
          this.pop(I32);
          const ch = this.sp;
          let c = '';
          if (live) {
            c = this.cond(ch);
            this.sync();
          }
          this.popVals(bp);
          const f = this.pushFrame(Kind.if, bp, br);
          if (live) {
            f.head = out.length;
            out.push('');
            out.push(`if(${bare(c)}){`);
            this.matParams(f);
          }
          break;
        }
        case Op.else: {
          const f = this.frame;
          if (f.kind !== Kind.if) throw this.err('else without matching if');
          this.popVals(f.results);
          if (this.sp !== f.height) throw this.err('type mismatch: values remaining at end of block');
          if (live) this.syncRange(f.height, f.height + f.results.length);
          if (!f.dead) out.push('}else{');
          f.segStart = -1;
          f.kind = Kind.else;
          f.unreachable = false;
          this.takeFacts(f);
          this.live = !f.dead;
          this.pushVals(f.params);
          if (!f.dead) this.matParams(f);
          break;
        }
        case Op.end: {
          const f = this.frame;
          this.popVals(f.results);
          if (this.sp !== f.height) throw this.err('type mismatch: values remaining at end of block');
          if (f.kind === Kind.if) {
            // No else: the implicit else passes the params through.
            const p = f.params;
            const res = f.results;
            let same = p.length === res.length;
            for (let j = 0; same && j < p.length; j++) same = p[j] === res[j];
            if (!same) throw this.err('type mismatch: if without else must not change the stack');
          }
          if (f.kind === Kind.func) {
            this.pushVals(f.results);
            if (live && f.results.length > 0) this.emitReturn();
            if (r.pos < r.end) throw malformed('operators remaining after end of function', r.base + r.pos);
            return this.finish();
          }
          this.pushVals(f.results);
          if (live) this.syncRange(f.height, this.sp);
          if (!f.dead) {
            switch (f.kind) {
              case Kind.block:
                if (f.region === f) {
                  out[f.head] = `L${f.n}:for(j=0;;){switch(j){case 0:`;
                  out.push('}break;}');
                  this.usesJ = true;
                } else if (f.region !== null) {
                  if (f.labelUsed) out.push(`case ${f.caseId}:`);
                } else if (f.labelUsed) {
                  out[f.head] = `L${f.n}:{`;
                  out.push('}');
                }
                break;
              case Kind.loop:
                if (f.labelUsed) {
                  out[f.head] = `L${f.n}:for(;;){`;
                  out.push('break;}');
                }
                break;
              default:
                if (f.labelUsed) out[f.head] = `L${f.n}:`;
                out.push('}');
            }
          }
          this.ctrl.pop();
          f.open = false;
          this.depth -= f.levels;
          // Where paths merge, only the facts from before the frame hold (a loop's
          // end and an unlabelled block's end are reached by falling through only).
          if (f.kind === Kind.if || f.kind === Kind.else || (f.kind === Kind.block && f.labelUsed)) {
            this.takeFacts(f);
          }
          if (f.kind === Kind.loop) {
            this.loopEnded(f);
            this.loops--;
            this.afterLoop = true;
          }
          this.frame = this.ctrl[this.ctrl.length - 1];
          this.live = !this.frame.dead && !this.frame.unreachable;
          if (!f.dead)
            for (let j = 0; j < f.results.length; j++) this.setMat(f.height + j, f.results[j] === I64);
          break;
        }
        case Op.br: {
          const target = this.labelFrame(r.index);
          const lt = this.labelTypes(target);
          this.popVals(lt);
          if (live) {
            this.sp += lt.length;
            this.emitBranch(target);
          }
          this.setUnreachable();
          break;
        }
        case Op.br_if: {
          const target = this.labelFrame(r.index);
          this.pop(I32);
          const lt = this.labelTypes(target);
          this.popVals(lt);
          this.pushVals(lt);
          if (live) {
            const test = `if(${bare(this.cond(this.sp))})`;
            this.sync();
            const at = out.length;
            out.push(`${test}{`);
            this.emitBranch(target);
            // One statement (a jump, mostly) needs no braces.
            if (out.length === at + 2 && oneStatement(out[at + 1])) out[at] = test;
            else out.push('}');
          }
          break;
        }
        case Op.br_table:
          this.brTable(live);
          break;
        case Op.return: {
          this.popVals(this.type.results);
          if (live) {
            this.sp += this.type.results.length;
            this.emitReturn();
          }
          this.setUnreachable();
          break;
        }
        case Op.call:
        case Op.return_call: {
          const fi = r.index;
          if (fi >= env.funcs.length) throw this.err(`unknown function ${fi}`);
          const ft = env.types[env.funcs[fi]] as FuncType;
          this.checkTypes(ft.params);
          this.checkTypes(ft.results);
          this.popVals(ft.params);
          const h = this.sp;
          if (op === Op.return_call) {
            this.checkTailResults(ft.results);
            if (live) {
              this.leaving(0);
              out.push(`return f${fi}(${this.args(h, ft.params)});`);
            }
            this.setUnreachable();
            break;
          }
          this.pushVals(ft.results);
          if (live) this.emitCall(h, `${CALL_OPEN.get(fi)}${this.args(h, ft.params)})`, ft.results);
          break;
        }
        case Op.call_indirect:
        case Op.return_call_indirect: {
          const ti = r.index;
          const tbl = r.index2;
          if (tbl >= env.tables.length) throw this.err(`unknown table ${tbl}`);
          const td = env.types[ti];
          if (td === undefined || td.kind !== 'func') throw this.err(`unknown type ${ti}`);
          if (env.tables[tbl].refType !== FUNCREF)
            throw this.err('type mismatch: call_indirect on a table of non-function references');
          this.checkTypes(td.params);
          this.checkTypes(td.results);
          this.pop(I32);
          const ih = this.sp;
          this.popVals(td.params);
          const h = this.sp;
          const callee = live
            ? `tableFunc(TBL${tbl},${this.val(ih)},SIG${ti})(${this.args(h, td.params)})`
            : '';
          if (op === Op.return_call_indirect) {
            this.checkTailResults(td.results);
            if (live) {
              this.leaving(0);
              out.push(`return ${callee};`);
            }
            this.setUnreachable();
            break;
          }
          this.pushVals(td.results);
          if (live) this.emitCall(h, callee, td.results);
          break;
        }
        case Op.drop:
          this.popAny();
          break;
        case Op.select:
        case Op.select_t:
          this.select(op === Op.select_t, live);
          break;
        case Op.local_get: {
          const k = r.index;
          if (k >= numLocals) throw this.err(`unknown local ${k}`);
          const t = localTypes[k];
          const h = this.sp;
          this.push(t);
          if (live) {
            const lk = L_NAME.get(k);
            this.setPending(h, lk, t === I64 ? K_NAME.get(k) : '', SIMPLE, k);
            // Only alignment that holds here for sure: a value built on an
            // assumption (`origin`) would need the assumption recorded with it.
            const al = this.align.get(lk);
            if (al !== undefined && al.origin === null) this.ez[h] = al.tz;
          }
          break;
        }
        case Op.local_set:
        case Op.local_tee: {
          const k = r.index;
          if (k >= numLocals) throw this.err(`unknown local ${k}`);
          const t = localTypes[k];
          this.pop(t);
          const h = this.sp;
          if (op === Op.local_tee) this.push(t);
          if (live) {
            const z = t === I32 ? this.ez[h] : 0;
            // `l{k} ± c`: keeps an alignment assumed for l{k} up to c's (`ei`).
            const keep = this.ei[h] >= 0 && this.ei[h] >> 6 === k ? this.ei[h] & 63 : 0;
            this.flushLocal(k, h);
            const lk = L_NAME.get(k);
            this.forgetBase(lk, keep);
            const kept = this.align.get(lk);
            if (z > 0 && (kept === undefined || kept.origin === null)) this.ownAlign().set(lk, alignKnown(z));
            if (this.loops > 0) this.loopAssigned.add(k);
            // The last statement stored into slot h (see `retarget`).
            const fresh = this.stAt >= 0 && this.stH === h;
            if (t === I64) {
              const lo = this.lo(h);
              const hi = this.hi(h);
              const kk = K_NAME.get(k);
              if (lo === lk && hi === kk) {
                // local.set of its own value
              } else if (fresh && this.ef[h] & MAT && this.retarget(h, k, true)) {
                // stored into the local directly
              } else if (
                fresh &&
                lo === S_NAME.get(h) &&
                this.el[h] !== k &&
                this.el[h] !== MANY_LOCALS &&
                this.retarget(h, k, false)
              ) {
                // the low half was, the high half reads it (a narrow load's `t{h}`)
                out.push(`${K_SET.get(k)}${bare(hi.replace(slotRef(h), lk))};`);
              } else if (hi === kk) {
                // the high half is the local's already
                out.push(`${L_SET.get(k)}${bare(lo)};`);
              } else if (this.el[h] === k || this.el[h] === MANY_LOCALS) {
                this.usesX = true;
                out.push(`x=${bare(lo)};${kk}=${bare(reuseLow(hi, lo, 'x'))};${lk}=x;`);
              } else out.push(`${lk}=${bare(lo)};${kk}=${bare(reuseLow(hi, lo, lk))};`);
            } else {
              const v = this.val(h);
              if (v !== lk && !(fresh && v === S_NAME.get(h) && this.retarget(h, k, false)))
                out.push(`${L_SET.get(k)}${bare(v)};`);
            }
            if (op === Op.local_tee) {
              this.setPending(h, lk, t === I64 ? K_NAME.get(k) : '', SIMPLE, k);
              this.ez[h] = z;
            }
          }
          break;
        }
        case Op.global_get: {
          const g = r.index;
          if (g >= env.globals.length) throw this.err(`unknown global ${g}`);
          const gt = env.globals[g];
          this.checkType(gt.type);
          const h = this.sp;
          this.push(gt.type);
          if (live) {
            const i64 = gt.type === I64;
            if (gt.mutable) {
              if (i64) {
                this.stored(h, STORED_S_T, GLOBAL_LO.get(g), GLOBAL_HI.get(g));
                this.setMat(h, true);
              } else this.assign(h, GLOBAL_LO.get(g));
            } else this.setPending(h, `GV${g}`, i64 ? `GH${g}` : '', SIMPLE, NO_LOCAL);
          }
          break;
        }
        case Op.global_set: {
          const g = r.index;
          if (g >= env.globals.length) throw this.err(`unknown global ${g}`);
          const gt = env.globals[g];
          if (!gt.mutable) throw this.err('global is immutable');
          this.checkType(gt.type);
          this.pop(gt.type);
          if (live) {
            const h = this.sp;
            if (gt.type === I64)
              out.push(
                `${GLOBAL_LO_SET.get(g)}${bare(this.lo(h))};${GLOBAL_HI_SET.get(g)}${bare(this.hi(h))};`,
              );
            else out.push(`${GLOBAL_LO_SET.get(g)}${bare(this.val(h))};`);
          }
          break;
        }
        case Op.i32_const: {
          const h = this.sp;
          this.push(I32);
          if (live) {
            this.setPending(h, numLit(r.i32), '', SIMPLE, NO_LOCAL);
            this.ez[h] = tz32(r.i32);
          }
          break;
        }
        case Op.i64_const: {
          const h = this.sp;
          this.push(I64);
          if (live) {
            // The halves as signed int32s, without the BigInt `r.i64` would make.
            this.setPending(h, numLit(r.i64Lo), numLit(r.i64Hi), SIMPLE, NO_LOCAL);
          }
          break;
        }
        case Op.f32_const: {
          const h = this.sp;
          this.push(F32);
          if (live) {
            const bits = r.f32Bits;
            const sNaN = (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x3fffff) !== 0;
            this.setPending(h, f32Lit(bits), '', sNaN ? SIMPLE : SIMPLE | QUIET, NO_LOCAL);
          }
          break;
        }
        case Op.f64_const: {
          const h = this.sp;
          this.push(F64);
          if (live) this.setPending(h, f64Lit(r.f64Lo, r.f64Hi), '', SIMPLE, NO_LOCAL);
          break;
        }
        case Op.ref_null: {
          const ht = r.heapType;
          const t = refType(ht, true);
          this.checkType(t);
          const h = this.sp;
          this.push(t);
          if (live) this.setPending(h, 'null', '', SIMPLE, NO_LOCAL);
          break;
        }
        case Op.ref_is_null: {
          const t = this.popAny();
          if (t !== BOT && !isRef(t)) throw this.err(`type mismatch: ref.is_null of ${valTypeName(t)}`);
          const h = this.sp;
          this.push(I32);
          if (live) this.unary(h, `(${this.val(h)}===null)`, BOOL);
          break;
        }
        case Op.ref_func: {
          const fi = r.index;
          if (fi >= env.funcs.length) throw this.err(`unknown function ${fi}`);
          if (!isDeclared(env.declaredFuncRefs, fi)) throw this.err(`undeclared function reference ${fi}`);
          const h = this.sp;
          this.push(FUNCREF);
          if (live) this.setPending(h, `REF${fi}`, '', SIMPLE, NO_LOCAL);
          break;
        }
        default:
          this.other(op, live);
      }
    }
  }

  /** Tail calls: the callee's results must be the caller's. */
  checkTailResults(results: readonly ValType[]): void {
    const own = this.type.results;
    let same = own.length === results.length;
    for (let j = 0; same && j < own.length; j++) same = own[j] === results[j];
    if (!same) throw this.err('type mismatch: tail call results differ from the function results');
  }

  /** A unary result at h from the operand at h (pure). */
  unary(h: number, expr: string, flags: number): void {
    const f = this.ef[h];
    this.setPending(h, expr, '', flags | ((f & (MAT | REFSLOT)) !== 0 ? REFSLOT : 0), this.el[h]);
  }

  select(typed: boolean, live: boolean): void {
    const r = this.r;
    let t: ValType;
    if (typed) {
      if (r.selectTypes.length !== 1) throw this.err('invalid result arity');
      t = r.selectTypes[0];
      this.checkType(t);
      this.pop(I32);
      this.pop(t);
      this.pop(t);
    } else {
      this.pop(I32);
      const t2 = this.popAny();
      const t1 = this.popAny();
      if ((t1 !== BOT && isRef(t1)) || (t2 !== BOT && isRef(t2)) || t1 === V128 || t2 === V128) {
        if (t1 === V128 || t2 === V128) throw this.unsupported('SIMD (v128)');
        throw this.err('type mismatch: select without type on reference types');
      }
      if (t1 !== t2 && t1 !== BOT && t2 !== BOT) throw this.err('type mismatch: select operands differ');
      t = t1 === BOT ? t2 : t1;
    }
    const h = this.sp;
    this.push(t);
    if (!live) return;
    const b = h + 1;
    const c = h + 2;
    if (t === I64) {
      const cs = this.ef[c] & BOOL ? this.condSimple(c) : this.simple(c);
      // Operands above h read their own slots: the result must not stay pending on them.
      const higher = this.readsSlot(b) || this.readsSlot(c);
      const lo = `(${cs}?${this.lo(h)}:${this.lo(b)})`;
      const hi = `(${cs}?${this.hi(h)}:${this.hi(b)})`;
      this.pendingResult64(h, lo, hi, mergeLoc3(this.el[h], this.el[b], this.el[c]), higher);
    } else {
      const higher = this.readsSlot(b) || this.readsSlot(c);
      const e = `(${this.cond(c)}?${this.val(h)}:${this.val(b)})`;
      this.pendingResult(h, e, 0, mergeLoc3(this.el[h], this.el[b], this.el[c]), higher);
    }
  }

  /**
   * The operands at h..h+n-1 of a numeric operator are used: an f32.load among
   * them becomes a plain DataView read if the operator is one whose result the
   * NaN's payload cannot reach (`QUIET_OK`). The DataView read quiets a
   * signalling NaN, which `loadF32` keeps for stores, reinterpretation, abs,
   * neg and copysign; arithmetic on a NaN must give some quiet NaN (the spec's
   * arithmetic NaNs), a canonical one from a canonical one, which the DataView
   * read keeps. Measured on an f32 saxpy loop (`y[i] = a * x[i] + y[i]`):
   * 5.3x native before, 4.3x with this, 4.0x with `QUIET` stores as well; the
   * f32 kernel, bound by its dependent sum, about 1%.
   */
  quietF32Loads(op: number, h: number, n: number): void {
    const ok = QUIET_OK.has(op);
    for (let k = h; k < h + n; k++) {
      const load = this.rawF32.get(k);
      if (load === undefined) continue;
      if (ok) this.out[load.at] = load.text;
      this.rawF32.delete(k);
    }
  }

  /** A boolean condition used twice: store it as a number first. */
  condSimple(h: number): string {
    this.materialize(h, I32);
    return this.ex[h];
  }

  /** A pure result at h built from operands at h and above. */
  pendingResult(h: number, expr: string, flags: number, loc: number, higher: boolean): void {
    if (higher) {
      this.ef[h] = flags;
      this.ex[h] = expr;
      this.materialize(h, I32);
      return;
    }
    this.setPending(h, expr, '', flags | ((this.ef[h] & (MAT | REFSLOT)) !== 0 ? REFSLOT : 0), loc);
  }

  pendingResult64(h: number, lo: string, hi: string, loc: number, higher: boolean, flags = 0): void {
    const own = (this.ef[h] & (MAT | REFSLOT)) !== 0 ? REFSLOT : 0;
    this.setPending(h, lo, hi, own | flags, loc);
    // Stored now when operands above h are slots that later code reuses; through
    // the scratch only when the expressions read this entry's own slots.
    if (higher) this.materialize(h, I64);
  }

  brTable(live: boolean): void {
    const r = this.r;
    const targets = r.brTargets;
    const def = this.labelFrame(r.brDefault);
    const n = this.labelTypes(def).length;
    this.pop(I32);
    for (let i = 0; i < targets.length; i++) {
      const f = this.labelFrame(targets[i]);
      if (this.labelTypes(f).length !== n)
        throw this.err('type mismatch: br_table targets have different arity');
      this.peekVals(this.labelTypes(f));
    }
    this.peekVals(this.labelTypes(def));
    if (live) {
      const idx = bare(this.val(this.sp));
      this.sync();
      let allSame = true;
      for (let i = 0; i < targets.length; i++) if (targets[i] !== r.brDefault) allSame = false;
      if (allSame) this.emitBranch(def);
      else {
        this.out.push(`switch(${idx}){`);
        // Group the cases by target depth, in the order the depths first
        // occur; each target's code once. One pass: Go's resumable functions
        // have br_tables of thousands of targets.
        const groups = new Map<number, string>();
        for (let i = 0; i < targets.length; i++) {
          const d = targets[i];
          if (d === r.brDefault) continue;
          const cases = groups.get(d);
          groups.set(d, cases === undefined ? CASE_LABEL.get(i) : cases + CASE_LABEL.get(i));
        }
        groups.forEach((cases, d) => {
          this.out.push(cases);
          this.emitBranch(this.labelFrame(d));
        });
        this.out.push('default:');
        this.emitBranch(def);
        this.out.push('}');
      }
    }
    this.setUnreachable();
  }

  /** Numeric, memory, table and prefixed operators. */
  other(op: number, live: boolean): void {
    const r = this.r;
    const env = this.env;
    const info = opInfo(op);
    if (info === undefined) throw this.err(`unknown operator ${op}`);
    if (info.natAlign >= 0) {
      // Loads and stores.
      if (op >>> 16 !== 0) throw this.unsupported(`${info.name}`);
      const m = r.memIndex;
      if (m >= env.memories.length) throw this.err(`unknown memory ${m}`);
      if (r.memAlign > info.natAlign) throw this.err('alignment must not be larger than natural');
      if (env.memories[m].limits.index64) throw this.unsupported('memory64');
      if (m !== 0) throw this.unsupported('multiple memories');
      this.popVals(info.params!);
      const h = this.sp;
      this.pushVals(info.results!);
      if (live) this.emitMemAccess(op, h, m, r.memOffset);
      return;
    }
    switch (op) {
      case Op.memory_size:
      case Op.memory_grow: {
        const m = r.memIndex;
        if (m >= env.memories.length) throw this.err(`unknown memory ${m}`);
        if (m !== 0) throw this.unsupported('multiple memories');
        if (env.memories[m].limits.index64) throw this.unsupported('memory64');
        if (op === Op.memory_grow) this.pop(I32);
        const h = this.sp;
        this.push(I32);
        if (live) {
          if (op === Op.memory_size) this.assign(h, `${this.mv(memNames(m).len)}/65536`);
          else {
            this.assign(h, `memoryGrow(MEM${m},${this.val(h)})`);
            this.reloadViews();
          }
        }
        return;
      }
      case Op.memory_fill:
      case Op.memory_copy:
      case Op.memory_init: {
        const m = r.memIndex;
        if (m >= env.memories.length) throw this.err(`unknown memory ${m}`);
        let m2 = m;
        if (op === Op.memory_copy) {
          m2 = r.index2;
          if (m2 >= env.memories.length) throw this.err(`unknown memory ${m2}`);
        }
        if (op === Op.memory_init) {
          if (env.dataCount === null) throw malformed('data count section required', r.opOffset);
          if (r.index >= env.dataCount) throw this.err(`unknown data segment ${r.index}`);
        }
        if (m !== 0 || m2 !== 0) throw this.unsupported('multiple memories');
        if (env.memories[m].limits.index64) throw this.unsupported('memory64');
        this.popVals(info.params!);
        if (live) {
          const h = this.sp;
          const a = `${bare(this.val(h))},${bare(this.val(h + 1))},${bare(this.val(h + 2))}`;
          const u8 = this.mv(memNames(m).u8);
          const len = this.mv(memNames(m).len);
          if (op === Op.memory_fill) this.emit(`memoryFill(${u8},${len},${a});`);
          else if (op === Op.memory_copy)
            this.emit(
              `memoryCopy(${u8},${len},${this.mv(memNames(m2).u8)},${this.mv(memNames(m2).len)},${a});`,
            );
          else this.emit(`memoryInit(${u8},${len},DATA[${r.index}],${a});`);
        }
        return;
      }
      case Op.data_drop:
        if (env.dataCount === null) throw malformed('data count section required', r.opOffset);
        if (r.index >= env.dataCount) throw this.err(`unknown data segment ${r.index}`);
        if (live) this.emit(`dataDrop(DATA,${r.index});`);
        return;
      case Op.elem_drop:
        if (r.index >= env.elemTypes.length) throw this.err(`unknown elem segment ${r.index}`);
        if (live) this.emit(`elemDrop(ELEM,${r.index});`);
        return;
      case Op.table_get:
      case Op.table_set:
      case Op.table_size:
      case Op.table_grow:
      case Op.table_fill: {
        const t = r.index;
        if (t >= env.tables.length) throw this.err(`unknown table ${t}`);
        const et = env.tables[t].refType;
        this.checkType(et);
        if (env.tables[t].limits.index64) throw this.unsupported('table64');
        const T = `TBL${t}`;
        if (op === Op.table_get) {
          this.pop(I32);
          const h = this.sp;
          this.push(et);
          if (live) {
            this.usesX = true;
            this.emit(`if((x=${this.val(h)}>>>0)>=${T}.length)${this.trap(5)}`);
            this.assign(h, `${T}[x]`);
          }
        } else if (op === Op.table_set) {
          this.pop(et);
          this.pop(I32);
          const h = this.sp;
          if (live) {
            this.usesX = true;
            this.emit(`if((x=${this.val(h)}>>>0)>=${T}.length)${this.trap(5)}${T}[x]=${this.val(h + 1)};`);
          }
        } else if (op === Op.table_size) {
          const h = this.sp;
          this.push(I32);
          if (live) this.assign(h, `${T}.length`);
        } else if (op === Op.table_grow) {
          this.pop(I32);
          this.pop(et);
          const h = this.sp;
          this.push(I32);
          if (live) this.assign(h, `tableGrow(${T},${this.val(h)},${this.val(h + 1)})`);
        } else {
          this.pop(I32);
          this.pop(et);
          this.pop(I32);
          const h = this.sp;
          if (live) this.emit(`tableFill(${T},${this.val(h)},${this.val(h + 1)},${this.val(h + 2)});`);
        }
        return;
      }
      case Op.table_copy: {
        const d = r.index;
        const s = r.index2;
        if (d >= env.tables.length) throw this.err(`unknown table ${d}`);
        if (s >= env.tables.length) throw this.err(`unknown table ${s}`);
        if (env.tables[d].refType !== env.tables[s].refType)
          throw this.err('type mismatch: table.copy between tables of different types');
        this.popVals(info.params!);
        if (live) {
          const h = this.sp;
          this.emit(`tableCopy(TBL${d},TBL${s},${this.val(h)},${this.val(h + 1)},${this.val(h + 2)});`);
        }
        return;
      }
      case Op.table_init: {
        const e = r.index;
        const t = r.index2;
        if (t >= env.tables.length) throw this.err(`unknown table ${t}`);
        if (e >= env.elemTypes.length) throw this.err(`unknown elem segment ${e}`);
        if (env.tables[t].refType !== env.elemTypes[e])
          throw this.err('type mismatch: table.init of an element segment of another type');
        this.popVals(info.params!);
        if (live) {
          const h = this.sp;
          this.emit(`tableInit(TBL${t},ELEM[${e}],${this.val(h)},${this.val(h + 1)},${this.val(h + 2)});`);
        }
        return;
      }
    }
    if (
      info.sig !== null &&
      info.feature !== 'simd' &&
      info.feature !== 'relaxedSimd' &&
      info.feature !== 'threads'
    ) {
      // Numeric operators with a fixed stack effect.
      const ps = info.params!;
      if (ps.length === 2) {
        this.pop(ps[1]);
        this.pop(ps[0]);
      } else if (ps.length === 1) this.pop(ps[0]);
      else throw this.unsupported(info.name);
      const h = this.sp;
      if (this.rawF32.size !== 0) this.quietF32Loads(op, h, ps.length);
      this.pushVals(info.results!);
      if (live) emitNumeric(this, op, h);
      return;
    }
    throw this.unsupported(info.feature === null ? info.name : `${info.name} (${info.feature})`);
  }

  /**
   * A load or store. `(a>>>0) > LEN - (offset + size)` traps (exact: no value
   * wraps), so afterwards `(a + offset | 0) >>> 0` is the exact address (below
   * LEN <= 2^32). A check implied by an earlier one on the same base is left out
   * (`boundsCheck`). The access is a DataView call (any alignment,
   * little-endian, and no fallback path for misaligned addresses, which V8
   * would compile as a deoptimization exit: typed arrays measured slower with
   * one) or an index into the byte array.
   */
  emitMemAccess(op: number, h: number, m: number, offset: number): void {
    const out = this.out;
    const info = MEM_OPS.get(op);
    if (info === undefined) throw this.unsupported(opInfo(op)?.name ?? String(op));
    const size = info.size;
    const names = memNames(m);
    const v = h + 1;
    if (op === Op.i64_store8 || op === Op.i64_store16 || op === Op.i64_store32) this.loOnly(v);
    const a = this.simple(h);
    const lit = litValue(a);
    // Texts are made only where they are used (a check left out has none, the
    // high word's address is for i64 only); the length and the trap are named
    // whether or not the check is left out.
    const wide = op === Op.i64_load || op === Op.i64_store;
    this.mv(names.len);
    this.traps |= 1 << 1;
    let ea: string;
    let ea4 = '';
    // The int32 address of a non-constant one (see `alignedIndex`).
    let e = a;
    if (lit !== null) {
      const c = (lit >>> 0) + offset;
      this.boundsCheck('#', c + size, names);
      ea = numLit(c);
      if (wide) ea4 = numLit(c + 4);
    } else {
      this.boundsCheck(a, offset + size, names);
      // A memory that cannot exceed 2 GiB has its checked addresses below 2^31:
      // the int32 sum is the address, with nothing left for V8 to check (`>>>0`
      // would be speculated on and checked to stay below 2^31 anyway).
      const max = this.env.memories[m].limits.max;
      const unsigned = !(max !== null && max <= 32768);
      if (offset !== 0) {
        // The int32 sum, measured faster in V8 than `a+offset>>>0`: in place
        // where the address is used once, else in the scratch first.
        if (!wide) e = `(${a}+${offset}|0)`;
        else {
          this.usesX = true;
          out.push(`x=${a}+${offset}|0;`);
          e = 'x';
        }
      }
      ea = unsigned ? `${e}>>>0` : e;
      // The high word's address, int32 sum then unsigned (exact: the check
      // keeps it below 2^32), which V8 adds as int32 without an overflow check.
      if (wide) ea4 = unsigned ? `${e}+4>>>0` : `${e}+4|0`;
    }
    // An address known to be aligned uses a typed array: cheaper in V8 than a
    // DataView call, and its stores leave what V8 knows of other objects intact.
    const index = this.alignedIndex(op, h, a, lit, offset, size, e);
    if (index !== null) {
      let lo = '';
      let hi = '';
      let fast = '';
      switch (op) {
        case Op.i32_load:
          lo = `${this.mv(names.i32)}[${index}]`;
          break;
        case Op.f64_load:
          lo = `${this.mv(names.f64)}[${index}]`;
          break;
        case Op.i64_load: {
          const I = this.mv(names.i32);
          lo = `${I}[${index}]`;
          hi = `${I}[${nextIndex(index, lit)}]`;
          break;
        }
        case Op.i32_store:
          fast = `${this.mv(names.i32)}[${index}]=${bare(this.val(v))};`;
          break;
        case Op.f64_store:
          fast = `${this.mv(names.f64)}[${index}]=${bare(this.val(v))};`;
          break;
        default: {
          // i64.store
          const I = this.mv(names.i32);
          fast = `${I}[${index}]=${bare(this.lo(v))};${I}[${nextIndex(index, lit)}]=${bare(this.hi(v))};`;
        }
      }
      this.stAt = -1;
      const origin = this.taOrigin;
      if (origin !== null) {
        // On an assumption: the DataView access replaces it if that fails.
        this.pending.push({
          at: out.length,
          text: this.slowAccess(op, h, v, names.dv.local, ea, ea4),
          base: a,
          origin,
          need: this.taNeed,
          view: names.dv,
        });
      }
      if (lo === '') out.push(fast);
      else if (origin === null) this.stored(h, hi === '' ? STORED_S : STORED_T_S, lo, hi);
      else out.push(hi === '' ? `${S_SET.get(h)}${lo};` : `${T_SET.get(h)}${hi};${S_SET.get(h)}${lo};`);
      if (op === Op.i32_load || op === Op.f64_load) this.setMat(h, false);
      else if (op === Op.i64_load) this.setMat(h, true);
      return;
    }
    if (size > 1) this.mv(names.dv);
    this.emitMemAccessDV(op, h, v, names, ea, ea4);
  }

  /** Where `alignedIndex` found the access's alignment: as `Fact.origin`, and the trailing zero bits needed. */
  taOrigin: Frame | null = null;
  taNeed = 0;

  /**
   * The typed-array index of an access whose address is known to be a multiple
   * of its size (i32, i64 as two i32s, f64), or null; `e` is the int32 address
   * of a non-constant one. Known: a constant address, a local whose alignment
   * is known (`align`, possibly on an assumption made at a loop's entry:
   * `origin`, left in `taOrigin`), or an operand whose value's alignment is
   * known (`ez`). Offsets keep the alignment when they are multiples of it.
   */
  alignedIndex(
    op: number,
    h: number,
    a: string,
    lit: number | null,
    offset: number,
    size: number,
    e: string,
  ): string | null {
    if (!LITTLE_ENDIAN) return null;
    let sh: number;
    if (op === Op.i32_load || op === Op.i32_store || op === Op.i64_load || op === Op.i64_store) sh = 2;
    else if (op === Op.f64_load || op === Op.f64_store) sh = 3;
    else return null;
    const unit = 1 << sh;
    this.taNeed = sh;
    this.taOrigin = null;
    if (lit !== null) {
      const c = (lit >>> 0) + offset;
      return c % unit === 0 && c + size <= 2 ** 32 ? numLit(c / unit) : null;
    }
    if (offset % unit !== 0) return null;
    if (isLocalName(a)) {
      const al = this.align.get(a);
      if (al === undefined || al.tz < sh) return null;
      this.taOrigin = al.origin;
    } else if (this.ez[h] < sh) return null;
    // `>>>sh` makes the int32 address unsigned and exact.
    return `${e}>>>${sh}`;
  }

  /** The DataView statement of a typed-array access (`emitMemAccess`), for when its assumption fails. */
  slowAccess(op: number, h: number, v: number, DV: string, ea: string, ea4: string): string {
    switch (op) {
      case Op.i32_load:
        return `${S_SET.get(h)}${DV}.i(${ea},true);`;
      case Op.f64_load:
        return `${S_SET.get(h)}${DV}.d(${ea},true);`;
      case Op.i64_load:
        return `${T_SET.get(h)}${DV}.i(${ea4},true);${S_SET.get(h)}${DV}.i(${ea},true);`;
      case Op.i32_store:
        return `${DV}.I(${ea},${bare(this.val(v))},true);`;
      case Op.f64_store:
        return `${DV}.D(${ea},${bare(this.val(v))},true);`;
      default:
        // i64.store
        return `${DV}.I(${ea},${bare(this.lo(v))},true);${DV}.I(${ea4},${bare(this.hi(v))},true);`;
    }
  }

  /** A load or store through the DataView (or the byte array). */
  emitMemAccessDV(op: number, h: number, v: number, names: MemNames, ea: string, ea4: string): void {
    const out = this.out;
    const dv = names.dvCalls;
    switch (op) {
      case Op.i32_load:
        this.assign(h, `${dv.i}${ea}${LE_END}`);
        return;
      case Op.i32_load8_s:
        this.assign(h, `${this.u8Index(names)}${ea}]<<24>>24`);
        return;
      case Op.i32_load8_u:
        this.assign(h, `${this.u8Index(names)}${ea}]`);
        return;
      case Op.i32_load16_s:
        this.assign(h, `${dv.h}${ea}${LE_END}`);
        return;
      case Op.i32_load16_u:
        this.assign(h, `${dv.u}${ea}${LE_END}`);
        return;
      case Op.f32_load:
        this.assign(h, `${dv.loadF32}${ea})`);
        this.rawF32.set(h, { at: out.length - 1, text: `${S_SET.get(h)}${dv.f}${ea}${LE_END};` });
        return;
      case Op.f64_load:
        this.assign(h, `${dv.d}${ea}${LE_END}`);
        return;
      case Op.i64_load:
        // High word first: the address may be in `s{h}`.
        this.stored(h, STORED_T_S, `${dv.i}${ea}${LE_END}`, `${dv.i}${ea4}${LE_END}`);
        break;
      case Op.i64_load8_s:
        this.narrow64(h, `${this.u8Index(names)}${ea}]<<24>>24`, true);
        return;
      case Op.i64_load8_u:
        this.narrow64(h, `${this.u8Index(names)}${ea}]`, false);
        return;
      case Op.i64_load16_s:
        this.narrow64(h, `${dv.h}${ea}${LE_END}`, true);
        return;
      case Op.i64_load16_u:
        this.narrow64(h, `${dv.u}${ea}${LE_END}`, false);
        return;
      case Op.i64_load32_s:
        this.narrow64(h, `${dv.i}${ea}${LE_END}`, true);
        return;
      case Op.i64_load32_u:
        this.narrow64(h, `${dv.i}${ea}${LE_END}`, false);
        return;
      case Op.i32_store:
        out.push(`${dv.I}${ea},${bare(this.val(v))}${LE_STORE_END}`);
        return;
      case Op.i32_store8:
        out.push(`${this.u8Index(names)}${ea}]=${bare(this.val(v))};`);
        return;
      case Op.i32_store16:
        out.push(`${dv.H}${ea},${bare(this.val(v))}${LE_STORE_END}`);
        return;
      case Op.f32_store:
        if (this.ef[v] & QUIET) out.push(`${dv.F}${ea},${bare(this.val(v))}${LE_STORE_END}`);
        else out.push(`${dv.storeF32}${ea},${bare(this.val(v))});`);
        return;
      case Op.f64_store:
        out.push(`${dv.D}${ea},${bare(this.val(v))}${LE_STORE_END}`);
        return;
      case Op.i64_store:
        out.push(
          `${dv.I}${ea},${bare(this.lo(v))}${LE_STORE_END}${dv.I}${ea4},${bare(this.hi(v))}${LE_STORE_END}`,
        );
        return;
      case Op.i64_store8:
        out.push(`${this.u8Index(names)}${ea}]=${bare(this.lo(v))};`);
        return;
      case Op.i64_store16:
        out.push(`${dv.H}${ea},${bare(this.lo(v))}${LE_STORE_END}`);
        return;
      case Op.i64_store32:
        out.push(`${dv.I}${ea},${bare(this.lo(v))}${LE_STORE_END}`);
        return;
    }
    this.setMat(h, true);
  }

  /** `B{m}[`: the byte array indexed (its view used). */
  u8Index(names: MemNames): string {
    this.mv(names.u8);
    return names.u8Open;
  }

  /**
   * A narrow i64 load: the low half `load` into its slot, the high half (its
   * sign or 0) left pending on it, written only where it is used: code that
   * loads an i64 this way often wraps it right back to an i32.
   */
  narrow64(h: number, load: string, signed: boolean): void {
    this.assign(h, load);
    this.eh[h] = signed ? `(s${h}>>31)` : '0';
    this.ef[h] = signed ? REFSLOT : SIMPLE | REFSLOT;
  }

  /**
   * Emits the bounds check of `end` bytes past `base` (`checkText`; a local
   * `l{k}`, '#' for constant addresses, or another operand, whose checks are
   * not tracked), unless a passed check implies it; its text is made only if
   * it is emitted or may come back (`Pending`). Memory
   * never shrinks, so a passed check stays true while the base keeps its value,
   * on every path the check dominates (see the frame handling of `facts`).
   */
  boundsCheck(base: string, end: number, names: MemNames): void {
    const tracked = base === '#' || isLocalName(base);
    if (!tracked) {
      this.out.push(checkText(base, end, names));
      return;
    }
    const known = this.facts.get(base);
    if (known !== undefined && known.end >= end) {
      if (known.origin !== null) {
        this.pending.push({
          at: this.out.length,
          text: checkText(base, end, names),
          base,
          origin: known.origin,
          need: Infinity,
          view: null,
        });
        this.out.push('');
      }
      return;
    }
    this.ownFacts().set(base, { end, origin: null });
    this.out.push(checkText(base, end, names));
  }

  /** A local is assigned: checks on it no longer hold, and those left out in open loops on that assumption come back. */
  forgetBase(base: string, keepTz = 0): void {
    if (this.facts.has(base)) this.ownFacts().delete(base);
    // An assumed alignment that the new value keeps (`keepTz` trailing zeros,
    // see `local.set`) still holds at the loop's entry, weakened to `keepTz`.
    const al = this.align.get(base);
    if (al !== undefined && al.origin !== null && keepTz > 0) {
      this.ownAlign().set(base, { tz: Math.min(al.tz, keepTz), origin: al.origin });
    } else {
      if (al !== undefined) this.ownAlign().delete(base);
      keepTz = 0;
    }
    // The open frames whose entry facts name the base (`holders`): a frame
    // leaves the list once its facts no longer do, so each frame is visited
    // once per fact it starts with, however deep the nesting (Go code nests
    // thousands of blocks, and visiting every open frame at each assignment
    // was most of the compile time).
    const hs = this.holders.get(base);
    if (hs !== undefined) {
      let kept = 0;
      for (let i = 0; i < hs.length; i++) {
        const f = hs[i];
        if (!f.open) continue;
        f.factsIn.delete(base);
        const fa = f.alignIn.get(base);
        if (fa !== undefined && fa.origin !== null && keepTz > 0) {
          f.alignIn.set(base, { tz: Math.min(fa.tz, keepTz), origin: fa.origin });
          hs[kept++] = f;
        } else f.alignIn.delete(base);
      }
      if (kept === 0) this.holders.delete(base);
      else hs.length = kept;
    }
    // In place: a local is assigned at about every other instruction.
    const pending = this.pending;
    let kept = 0;
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i];
      if (p.base !== base || !p.origin.open || p.need <= keepTz) pending[kept++] = p;
      else {
        this.out[p.at] = p.text;
        if (p.view !== null) this.views.add(p.view);
      }
    }
    pending.length = kept;
  }

  /** `facts`, copied first if a frame's entry facts are the same map (see `factsShared`). */
  ownFacts(): Map<string, Fact> {
    if (this.factsShared) {
      this.facts = new Map(this.facts);
      this.factsShared = false;
    }
    return this.facts;
  }

  /** `align`, copied first if shared (see `factsShared`). */
  ownAlign(): Map<string, AlignFact> {
    if (this.alignShared) {
      this.align = new Map(this.align);
      this.alignShared = false;
    }
    return this.align;
  }

  /** At a merge point: the facts are frame `f`'s entry facts again (shared, see `factsShared`). */
  takeFacts(f: Frame): void {
    this.facts = f.factsIn;
    this.align = f.alignIn;
    this.factsShared = true;
    this.alignShared = true;
  }

  /**
   * Between two instructions of live code: gathers the current frame's code
   * into segments of about `SEGMENT_CHARS`. A segment is a run of complete
   * instructions of one frame's body (nested constructs included) that no
   * branch leaves (`leaving`); it is marked by two placeholders in `out`, which
   * `finish` fills in if the function is large. Wrapping the run in a closure
   * in place keeps every statement where it was, so nothing else changes. Not
   * in a flat region's blocks (their ends are `case` labels of its switch).
   */
  segmentBoundary(): void {
    const f = this.frame;
    if (f.region !== null) return;
    const out = this.out;
    if (f.segStart < 0) {
      f.segStart = out.length;
      // f is the top of the control stack.
      this.segClear = this.ctrl.length;
      out.push('');
      f.segScan = out.length;
      f.segSize = 0;
      f.segInner = 0;
      return;
    }
    if ((++this.segTick & 15) !== 0) return;
    let size = f.segSize;
    for (let i = f.segScan; i < out.length; i++) size += out[i].length;
    f.segSize = size;
    f.segScan = out.length;
    const own = size - f.segInner;
    if (own < this.limits.segmentChars) return;
    this.segments.push(f.segStart, out.length);
    out.push('');
    // The enclosing frames' segments hold this one: its code no longer counts for them.
    for (const g of this.ctrl) if (g !== f && g.segStart >= 0) g.segInner += own;
    f.segStart = -1;
  }

  /** A branch to the frame at control depth `n` (0: a return) leaves the segments of it and of frames inside it. */
  leaving(n: number): void {
    const ctrl = this.ctrl;
    // From below the frames already left (`segClear`): a br_table with
    // thousands of targets at as many depths would otherwise visit every
    // frame above each target.
    let i = Math.min(ctrl.length, this.segClear) - 1;
    for (; i >= 0 && ctrl[i].n >= n; i--) ctrl[i].segStart = -1;
    this.segClear = i + 1;
  }

  /** Frame `f` starts with a fact about `base` (see `forgetBase`). */
  holds(base: string, f: Frame): void {
    const hs = this.holders.get(base);
    if (hs === undefined) this.holders.set(base, [f]);
    else hs.push(f);
  }

  /** The end of loop `f`: the assumptions made at its entry held (it assigned none of those bases). */
  loopEnded(f: Frame): void {
    if (this.pending.length > 0) this.pending = this.pending.filter((p) => p.origin !== f);
    this.facts.forEach((fact, base) => {
      if (fact.origin === f) this.ownFacts().set(base, { end: fact.end, origin: null });
    });
    this.align.forEach((fact, base) => {
      if (fact.origin === f) this.ownAlign().set(base, alignKnown(fact.tz));
    });
  }

  /**
   * The statement that traps with `code`: a jump to the end of the function,
   * where `finish` puts the one `throw trap(code)`. Keeping the call out of
   * loops matters to V8: a call never executed has no type feedback, and
   * TurboFan turns it into a deoptimization exit that is not a loop exit, which
   * stops it from peeling the loop (and then loop-carried values stay tagged).
   */
  trap(code: number): string {
    this.traps |= 1 << code;
    return TRAP_JUMP.get(code);
  }

  /**
   * Whether the current point is after a loop and in none: code that has run
   * once (per call) when V8 optimizes the function during a long first call,
   * so its type feedback is one sample, and an operation V8 speculates on
   * from it is likely to fail later (`numeric.ts`, `ucmp`).
   */
  rarelyRun(): boolean {
    return this.afterLoop && this.loops === 0;
  }

  /** The function-local copy of a factory-scope memory view or length (abi.ts, `View`). */
  mv(view: View): string {
    this.views.add(view);
    return view.local;
  }

  /** After a call or memory.grow: the views are read again (filled in by `finish`). */
  reloadViews(): void {
    this.reloads.push(this.out.length);
    this.out.push('');
  }

  /**
   * Makes the segments functions if this function is large (`SPLIT_CHARS`).
   * A segment's function takes every variable of this function that its code
   * names as a parameter of the same name, and hands those it assigns back
   * through `RV` on its way out (it has one way out: no branch leaves a
   * segment, and a trap or an exception ends the wasm function anyway), so
   * the variables stay in registers on both sides instead of in a shared
   * context. A trap inside throws where it is (`T{c}` is not in its scope).
   * Segments were closed inner first, so an outer one sees the inner calls.
   */
  split(): boolean {
    const out = this.out;
    const segs = this.segments;
    if (segs.length === 0) return false;
    let size = 0;
    for (let i = 0; i < out.length; i++) size += out[i].length;
    if (size < this.limits.splitChars) return false;
    for (let k = 0; k < segs.length; k += 2) {
      const start = segs[k];
      const end = segs[k + 1];
      let text = '';
      for (let i = start + 1; i < end; i++) {
        if (out[i].includes('break T')) out[i] = out[i].replace(/break T(\d+);/g, 'throw trap($1);');
        text += out[i];
      }
      const names = new Set<string>();
      for (const m of text.matchAll(VARIABLE)) if (!/^\$s\d/.test(m[0])) names.add(m[0]);
      const assigned = new Set<string>();
      for (const m of text.matchAll(ASSIGNED)) if (names.has(m[1])) assigned.add(m[1]);
      const params = [...names].join(',');
      const name = `$s${k >> 1}`;
      let back = '';
      let read = '';
      let slot = 0;
      for (const v of assigned) {
        back += `RV[${slot}]=${v};`;
        read += `${v}=RV[${slot++}];`;
      }
      out[start] = `function ${name}(${params}){`;
      out[end] = `${back}}${name}(${params});${read}`;
    }
    return true;
  }

  finish(): string {
    const params = this.type.params;
    const lt = this.localTypes;
    let sig = '';
    for (let i = 0; i < params.length; i++) {
      if (i > 0) sig += ',';
      sig += params[i] === I64 ? `l${i},k${i}` : `l${i}`;
    }
    const decls: string[] = [];
    for (let i = params.length; i < lt.length; i++) {
      const t = lt[i];
      if (t === I64) decls.push(`l${i}=0,k${i}=0`);
      else if (isRef(t)) decls.push(`l${i}=null`);
      else decls.push(`l${i}=0`);
    }
    if (this.views.size > 0) {
      let reload = '';
      for (const v of this.views) {
        const copy = `${v.local}=${v.name}`;
        decls.push(copy);
        reload += `${copy};`;
      }
      for (const i of this.reloads) this.out[i] = reload;
    }
    // Slots and scratch as `var`: a `let` without initializer still costs an
    // explicit `undefined` store in V8's bytecode.
    const vars: string[] = [];
    for (let h = 0; h < this.maxS; h++) vars.push(S_NAME.get(h));
    for (let h = 0; h < this.maxT; h++) vars.push(T_NAME.get(h));
    if (this.usesX) vars.push('x');
    if (this.usesJ) vars.push('j');
    if (this.usesImul) vars.push('$imul=imul');
    for (const g of this.copies) vars.push(`$${g}=${g}`);
    let head = `function f${this.index}(${sig}){`;
    // Parameters arrive as tagged values of unknown type; one a loop assigns
    // meets its new values in a loop phi, which V8 then keeps tagged too, unless
    // the parameter is typed on entry. Only those: an operation on entry is one
    // that has no type feedback yet if V8 optimizes the function during its
    // first call (the feedback vector is allocated in the loop), and deoptimizing
    // there can leave V8 running the function's OSR code for good.
    for (let i = 0; i < params.length; i++) {
      if (!this.loopAssigned.has(i)) continue;
      const t = params[i];
      if (t === I32) head += `l${i}|=0;`;
      else if (t === I64) head += `l${i}|=0;k${i}|=0;`;
    }
    const split = this.split();
    // Locals as `var` in a split function: a closure reads an outer `let` with a hole check.
    if (decls.length > 0) head += `${split ? 'var' : 'let'} ${decls.join(',')};`;
    if (vars.length > 0) head += `var ${vars.join(',')};`;
    if (this.traps === 0) return `${head}${this.out.join('')}}`;
    // T{c}:{ ... } throw trap(c); for each code used, the body innermost.
    let open = '';
    let close = '';
    for (let code = 0; code < 32; code++) {
      if ((this.traps & (1 << code)) === 0) continue;
      open = `T${code}:{${open}`;
      close += `}throw trap(${code});`;
    }
    // The body falls into the traps' code unless it ends in a return.
    const last = this.out.length > 0 ? this.out[this.out.length - 1] : '';
    const ret = last.startsWith('return') ? '' : 'return;';
    return `${head}${open}${this.out.join('')}${ret}${close}}`;
  }
}

function isDeclared(sorted: readonly number[], f: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === f) return true;
    if (v < f) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The high half of an i64 with its low half's expression, wherever it occurs
 * (an add's carry), read from the variable `v` the low half was just stored in:
 * a fully parenthesized expression occurs in another only as the same
 * subexpression, and expressions are pure, so this is the same value.
 */
export function reuseLow(hi: string, lo: string, v: string): string {
  if (lo.length < 3 || lo.charCodeAt(0) !== 40 || lo.charCodeAt(lo.length - 1) !== 41) return hi;
  return hi.includes(lo) ? hi.split(lo).join(v) : hi;
}

/**
 * `e` without its outer parentheses if they enclose all of it. For contexts
 * that take any expression without a comma: the right-hand side of `=`, a
 * call argument, a condition, a return value. Pending expressions keep their
 * parentheses (`reuseLow` relies on them); only the text written out loses
 * them, 2 characters at about every other statement.
 */
export function bare(e: string): string {
  const n = e.length;
  if (n < 3 || e.charCodeAt(0) !== 40 || e.charCodeAt(n - 1) !== 41) return e;
  // The parenthesized group that `e` starts with, in one regular-expression
  // match (compiled to machine code: cheap while this compiler itself is not
  // yet optimized, unlike a loop over the characters), up to 4 levels deep.
  GROUP.lastIndex = 0;
  if (GROUP.test(e)) return GROUP.lastIndex === n ? e.slice(1, -1) : e;
  let depth = 0;
  for (let i = 1; i < n - 1; i++) {
    const c = e.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth < 0) return e;
  }
  return e.slice(1, -1);
}

/** A parenthesized group with at most 4 levels of parentheses, from `lastIndex` (see `bare`). */
const GROUP = /\((?:[^()]|\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))*\)/y;

/** Whether `s` is one jump statement (`break L1;`, `continue L2;`, `return s0;`): what a br_if's `if` holds without braces. */
function oneStatement(s: string): boolean {
  return (
    s.indexOf(';') === s.length - 1 &&
    (s.startsWith('break ') || s.startsWith('continue ') || s.startsWith('return'))
  );
}

/** Reads of slot `s{h}` in an expression (made once per h: a global regular expression's `replace` starts at 0). */
function slotRef(h: number): RegExp {
  let re = SLOT_REFS.get(h);
  if (re === undefined) {
    re = new RegExp(`(?<![\\w$])s${h}(?![\\w$])`, 'g');
    SLOT_REFS.set(h, re);
  }
  return re;
}

const SLOT_REFS = new Map<number, RegExp>();

/** Trailing zero bits of an int32 (32 for 0). */
export function tz32(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/** Typed arrays use the host's byte order; wasm memory is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function mergeLoc(a: number, b: number): number {
  if (a === NO_LOCAL) return b;
  if (b === NO_LOCAL || a === b) return a;
  return MANY_LOCALS;
}

function mergeLoc3(a: number, b: number, c: number): number {
  return mergeLoc(mergeLoc(a, b), c);
}

const scratch = new DataView(new ArrayBuffer(8));

function f32Lit(bits: number): string {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return `f32FromBits(${bits | 0})`;
  scratch.setUint32(0, bits);
  return numLit(scratch.getFloat32(0));
}

function f64Lit(lo: number, hi: number): string {
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)) {
    if (hi >>> 0 === 0x7ff80000 && lo === 0) return 'NaN';
    return `f64FromBits(${lo | 0},${hi | 0})`;
  }
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return numLit(scratch.getFloat64(0));
}
