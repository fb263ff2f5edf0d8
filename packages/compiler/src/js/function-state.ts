/**
 * What the JS emitter knows while it emits one function — the text so far,
 * the operand entries, the bounds and alignment facts, the segments — and the
 * operations on operand entries that every instruction family uses (pending
 * expressions, storing them to their slots, reading them as numbers or
 * conditions). The families (control, variables, memory, i32, i64, float,
 * calls, tables) are functions of this state in files of their own.
 *
 * Operand entries: the value at height h is a pending JS expression (`ex[h]`;
 * `eh[h]` the i64 high half) while it is a pure function of locals, constants
 * and its own slot, or it lives in its slot variable `s{h}` (`t{h}`, `MAT`).
 */
import { I32, I64, Names, type ValType } from '@wasmloom/binary';
import type { ControlFrame, DecoderState } from '../emitter.js';
import { K_SET, L_SET, S_NAME, S_SET, T_NAME, T_SET, TRAP_JUMP, type View } from './names.js';
import { bare, MANY_LOCALS, NO_LOCAL, reuseLow } from './text.js';

// Entry flags of the operand stack.
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

/** Shapes of a statement storing into slot h only (`stored`): `s{h}=lo;`, `s{h}=lo;t{h}=hi;`, `t{h}=hi;s{h}=lo;`. */
export const STORED_S = 0;
export const STORED_S_T = 1;
export const STORED_T_S = 2;

/**
 * A passed bounds check: `end` = offset + size checked on a base. `origin` is
 * null for a check that dominates the current point, or the outermost loop
 * whose entry it preceded: it holds inside that loop only if the loop never
 * assigns the base, which is known at the loop's end (checks left out on that
 * assumption are `Pending` until then).
 */
export interface Fact {
  end: number;
  origin: JsFrame | null;
}

/** A local's known alignment: its value has at least `tz` trailing zero bits (`origin` as in `Fact`). */
export interface AlignFact {
  tz: number;
  origin: JsFrame | null;
}

/**
 * Code emitted on an assumption (`Fact.origin`): a left-out check (`out[at]` is
 * empty) or a typed-array access; `out[at]` becomes `text` if the assumption fails.
 */
export interface Pending {
  at: number;
  text: string;
  base: string;
  origin: JsFrame;
  /** Trailing zero bits of the base an access needs; Infinity for a check (any new value undoes it). */
  need: number;
  /** A memory binding `text` uses (see `mv`), or null. */
  view: View | null;
}

/** A control frame as the JS emitter keeps it. */
export interface JsFrame extends ControlFrame {
  labelUsed: boolean;
  /** Index in `out` of the label placeholder. */
  head: number;
  /** 1-based position in the control stack: the JS label is `L{n}`. */
  n: number;
  /** Bounds-check facts holding where the frame starts (minus bases assigned inside it). */
  factsIn: Map<string, Fact>;
  /** Alignment facts holding where the frame starts (the same way). */
  alignIn: Map<string, AlignFact>;
  /** The flat region the block is in: the root frame, itself for the root; else null. */
  region: JsFrame | null;
  /**
   * A region member's case id: where a branch to it goes (a block's or an
   * if's end, a loop's start: `case {id}:`); 0 for the root and other frames.
   */
  caseId: number;
  /** A flat if's case id of its else arm (or of its end, without one); 0 for other frames. */
  elseId: number;
  /** A flat if has had its `else`. */
  hadElse: boolean;
  /** The JS nesting levels the frame's own code adds (see `depth`). */
  levels: number;
  /** On the control stack (not yet ended). */
  open: boolean;
  /**
   * The segment being gathered in this frame's body (`segments.ts`): the
   * index in `out` of its opening placeholder, or -1; how far its size has
   * been counted, the characters counted, and those of segments closed inside it.
   */
  segStart: number;
  segScan: number;
  segSize: number;
  segInner: number;
}

/**
 * Where the emitter changes the code's shape: functions split into closures
 * (`segments.ts`), nesting flattened into regions (`control.ts`; default
 * `FLAT_DEPTH`, `FLAT_CONTROL_DEPTH`). Tests pass small ones to split or
 * flatten everything.
 */
export interface EmitLimits {
  splitChars: number;
  segmentChars: number;
  flatDepth?: number;
  flatControlDepth?: number;
}

/**
 * Characters from which a pure result is stored to its slot instead of staying
 * pending: operands nested without limit (100,000 `i32.const` then as many
 * `i32.add`) would make one expression as deep, which V8's parser cannot take
 * (about 2,000 levels) and which costs time quadratic in the depth to build.
 */
export const MAX_PENDING_CHARS = 2000;

export class JsFunctionState {
  readonly limits: EmitLimits;
  /** The decoder driving this emitter (`start`). */
  d!: DecoderState<JsFrame>;

  out: string[] = [];
  /** Per height: expression (i64: low half), high half, flags, local read. */
  ex: string[] = [];
  eh: string[] = [];
  ef: number[] = [];
  el: number[] = [];
  maxS = 0;
  maxT = 0;
  usesX = false;
  /** Code calls `imul` through the local copy `$imul` (`numeric-shapes.ts`, `imul`). */
  usesImul = false;
  /** Immutable globals' values (`GV{g}`, `GH{g}`) passed to `imul` through local copies `$GV{g}`, `$GH{g}`. */
  copies = new Set<string>();
  /** A flat region's switch variable `j` is used. */
  usesJ = false;
  /** The function has tail calls: it is emitted as a body and a driver (`function.ts`). */
  usesTail = false;
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
  holders = new Map<string, JsFrame[]>();
  /** A loop has ended before the current point. */
  afterLoop = false;
  /**
   * f32.loads whose value is still unused on the stack: height → the index in
   * `out` of their `s{h}=loadF32(...)` and that statement with a plain
   * DataView read instead (`memory.ts`, `quietF32Loads`).
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
  /** Where `alignedIndex` found the access's alignment: as `Fact.origin`, and the trailing zero bits needed. */
  taOrigin: JsFrame | null = null;
  taNeed = 0;

  constructor(limits: EmitLimits) {
    this.limits = limits;
  }

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
    this.stored(h, STORED_S_T, call, `${Names.hi}[0]`);
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
   * carry does the same, see `i64.ts`). Not for `===`, calls or stores.
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

  /** A boolean condition used twice: store it as a number first. */
  condSimple(h: number): string {
    this.materialize(h, I32);
    return this.ex[h];
  }

  /** Whether a result at a lower height may not stay pending on top of entry h. */
  readsSlot(h: number): boolean {
    return (this.ef[h] & (MAT | REFSLOT)) !== 0;
  }

  /** Store every pending entry of the current frame (control-flow boundary). */
  sync(): void {
    this.syncRange(this.d.frame.height, this.d.sp);
  }

  syncRange(from: number, to: number): void {
    const vt = this.d.vt;
    for (let h = from; h < to; h++) {
      if (!(this.ef[h] & MAT)) this.materialize(h, vt[h]);
    }
  }

  /** Before local k is assigned: store pending entries that read it. */
  flushLocal(k: number, below: number): void {
    const vt = this.d.vt;
    for (let h = this.d.frame.height; h < below; h++) {
      const loc = this.el[h];
      if ((loc === k || loc === MANY_LOCALS) && !(this.ef[h] & MAT)) this.materialize(h, vt[h]);
    }
  }

  /** A unary result at h from the operand at h (pure). */
  unary(h: number, expr: string, flags: number): void {
    const f = this.ef[h];
    this.setPending(h, expr, '', flags | ((f & (MAT | REFSLOT)) !== 0 ? REFSLOT : 0), this.el[h]);
    if (expr.length > MAX_PENDING_CHARS) this.materialize(h, I32);
  }

  /** A pure result at h built from operands at h and above. */
  pendingResult(h: number, expr: string, flags: number, loc: number, higher: boolean): void {
    if (higher || expr.length > MAX_PENDING_CHARS) {
      this.ef[h] = flags;
      this.ex[h] = expr;
      // Nothing is known of the new value's bits (the caller may say more afterwards,
      // `numeric-shapes.ts` binZ); what was known of the operand at h no longer holds.
      this.ez[h] = 0;
      this.ei[h] = -1;
      if (this.rawF32.size !== 0) this.rawF32.delete(h);
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
    if (higher || lo.length + hi.length > MAX_PENDING_CHARS) this.materialize(h, I64);
  }

  /**
   * The statement that traps with `code`: a jump to the end of the function,
   * where `function.ts` puts the one `throw trap(code)`. Keeping the call out
   * of loops matters to V8: a call never executed has no type feedback, and
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
   * from it is likely to fail later (`numeric-shapes.ts`, `ucmp`).
   */
  rarelyRun(): boolean {
    return this.afterLoop && this.loops === 0;
  }

  /** The function-local copy of a factory-scope memory view or length (ABI, `View`). */
  mv(view: View): string {
    this.views.add(view);
    return view.local;
  }

  /** After a call or memory.grow: the views are read again (filled in by `function.ts`). */
  reloadViews(): void {
    this.reloads.push(this.out.length);
    this.out.push('');
  }
}
