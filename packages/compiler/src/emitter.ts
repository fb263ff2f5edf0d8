/**
 * The interface between the decoder and what it drives (V8's decoder
 * interface, wasmparser's operator visitor): control frames, the decoder's
 * state an emitter may read, and `Emitter`, the callbacks. The decoder calls an
 * emitter only for reachable instructions, after validating each one, so an
 * emitter never sees dead code or code after an error; heights are positions on
 * the operand stack as the decoder has left it for that instruction.
 */
import type { FuncType, ModuleEnv, OperatorReader, OpInfo, ValType } from '@wasmloom/binary';

export enum FrameKind {
  block = 0,
  loop = 1,
  if = 2,
  else = 3,
  func = 4,
}

/** What the decoder knows of a control frame; an emitter's frames extend it. */
export interface ControlFrame {
  kind: FrameKind;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Operand-stack height below the frame's params. */
  height: number;
  /** The rest of the frame's current arm is unreachable. */
  unreachable: boolean;
  /** Opened in unreachable code: the emitter never hears of it. */
  dead: boolean;
}

/** The decoder's state, read-only for an emitter. */
export interface DecoderState<F extends ControlFrame> {
  readonly env: ModuleEnv;
  /** The function's index (imports included). */
  readonly index: number;
  /** The reader, positioned after the current instruction's immediates. */
  readonly r: OperatorReader;
  readonly type: FuncType;
  /** Parameters' and declared locals' types. */
  readonly localTypes: readonly ValType[];
  /** Operand types by height, up to `sp`. */
  readonly vt: readonly ValType[];
  readonly sp: number;
  /** The control stack, the function's frame first; `frame` is its top. */
  readonly ctrl: readonly F[];
  readonly frame: F;
  /** The frame a branch of label `depth` targets. */
  labelFrame(depth: number): F;
}

/**
 * What the decoder calls. Every method but `frame` and `finish` is called for
 * reachable, valid code only; `h` is the height of an instruction's first
 * operand, which is also where its result goes.
 */
export interface Emitter<F extends ControlFrame, R> {
  /**
   * Emits nothing: the decoder then calls only `start`, `frame` and `finish`
   * (every instruction callback would be a call for nothing, which an
   * interpreter pays for at each instruction).
   */
  readonly quiet: boolean;
  /** The function starts (locals read and checked). */
  start(d: DecoderState<F>): void;
  /** A new control frame, for any code (the decoder owns the control stack). */
  frame(
    kind: FrameKind,
    params: readonly ValType[],
    results: readonly ValType[],
    height: number,
    dead: boolean,
  ): F;
  /** Before each reachable instruction, the opcode just read. */
  next(op: number): void;

  // Control (the frame is on top of the control stack, its params pushed).
  unreachable(): void;
  block(f: F): void;
  loop(f: F): void;
  /** The condition was at the params' end (`f.height + f.params.length`). */
  if(f: F): void;
  /** `f` is the if frame; `reachable`: the end of its then-arm is. Its results are popped. */
  else(f: F, reachable: boolean): void;
  /** The end of a block, loop or if frame `f` (still on the stack, its results pushed). */
  end(f: F, reachable: boolean): void;
  /** The label's values are on top of the stack. */
  br(target: F): void;
  brIf(target: F): void;
  /** The index is at `sp`; labels as depths. */
  brTable(targets: readonly number[], defaultTarget: number): void;
  /** The function's results are on top of the stack. */
  return(): void;

  // Calls: arguments from h; results pushed from h (not for tail calls).
  call(fi: number, ft: FuncType, h: number): void;
  returnCall(fi: number, ft: FuncType, h: number): void;
  /** The table index is at `h + ft.params.length`. */
  callIndirect(typeIndex: number, table: number, ft: FuncType, h: number): void;
  returnCallIndirect(typeIndex: number, table: number, ft: FuncType, h: number): void;

  // Parametric, variables, constants.
  select(t: ValType, h: number): void;
  localGet(k: number, t: ValType, h: number): void;
  /** `tee`: the value stays at h. */
  localSet(k: number, t: ValType, h: number, tee: boolean): void;
  globalGet(g: number, h: number): void;
  globalSet(g: number, h: number): void;
  i32Const(h: number, v: number): void;
  i64Const(h: number, lo: number, hi: number): void;
  f32Const(h: number, bits: number): void;
  f64Const(h: number, lo: number, hi: number): void;

  // References and tables.
  refNull(h: number): void;
  refIsNull(h: number): void;
  refFunc(fi: number, h: number): void;
  tableGet(t: number, h: number): void;
  tableSet(t: number, h: number): void;
  tableSize(t: number, h: number): void;
  tableGrow(t: number, h: number): void;
  tableFill(t: number, h: number): void;
  tableCopy(dst: number, src: number, h: number): void;
  tableInit(seg: number, t: number, h: number): void;
  elemDrop(seg: number): void;

  // Memory.
  /** A load or store (family 'memory' with a memarg) of `size` bytes in memory m. */
  memAccess(op: number, h: number, m: number, offset: number, size: number): void;
  memorySize(m: number, h: number): void;
  memoryGrow(m: number, h: number): void;
  memoryFill(m: number, h: number): void;
  memoryCopy(dst: number, src: number, h: number): void;
  memoryInit(seg: number, m: number, h: number): void;
  dataDrop(seg: number): void;

  /** A numeric operator with a fixed stack effect (families i32, i64, f32, f64). */
  numeric(op: number, info: OpInfo, h: number): void;

  /** The function's final `end`: `reachable` if it is, with the results on top of the stack. */
  finish(reachable: boolean): R;
}
