/**
 * The function-body decoder: one loop over a body's instructions that
 * validates them as the WebAssembly 2.0 spec does and drives an `Emitter` (the
 * null emitter to validate only, the JS emitter to compile). It owns the
 * operand-type stack, the control stack, reachability and the feature gates,
 * and calls the emitter only for reachable code of a valid prefix, after each
 * instruction has been checked. What it does not do: produce any output.
 *
 * Feature gates: instructions and types wasmloom cannot run yet (SIMD,
 * threads, exceptions, GC types, memory64, multiple memories) fail here with a
 * CompileError naming them, so `validate()` never accepts what `compile()`
 * would then refuse.
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
  type OpInfo,
  opInfo,
  refType,
  V128,
  type ValType,
  valTypeName,
  type WasmError,
} from '@wasmloom/binary';
import { type ControlFrame, type DecoderState, type Emitter, FrameKind } from './emitter.js';

/** Type of a polymorphic stack's missing operands. */
const BOT = 0;

const EMPTY: readonly ValType[] = Object.freeze([]);

export class Decoder<F extends ControlFrame, R> implements DecoderState<F> {
  readonly env: ModuleEnv;
  readonly index: number;
  readonly r: OperatorReader;
  readonly type: FuncType;
  readonly e: Emitter<F, R>;
  localTypes: ValType[] = [];
  vt: number[] = [];
  sp = 0;
  ctrl: F[] = [];
  frame!: F;
  /** The current instruction is reachable, in a frame the emitter knows, and the emitter emits. */
  live: boolean;

  constructor(env: ModuleEnv, index: number, body: FunctionBody, emitter: Emitter<F, R>) {
    this.env = env;
    this.index = index;
    this.e = emitter;
    this.live = !emitter.quiet;
    this.r = new OperatorReader(body.bytes, 0, body.bytes.length, body.offset, env.features);
    const td = env.types[env.funcs[index]];
    if (td === undefined || td.kind !== 'func')
      throw invalid(`unknown type of function ${index}`, body.offset);
    this.type = td;
  }

  // ---- errors and feature gates -------------------------------------------------------------

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

  // ---- the operand-type stack -------------------------------------------------------------------

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

  // ---- the control stack ------------------------------------------------------------------------

  labelFrame(depth: number): F {
    if (depth >= this.ctrl.length) throw this.err(`unknown label ${depth}`);
    return this.ctrl[this.ctrl.length - 1 - depth];
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

  /** Pops a block's params and opens its frame with them pushed again. */
  pushFrame(kind: FrameKind, params: readonly ValType[], results: readonly ValType[]): F {
    this.popVals(params);
    const f = this.e.frame(kind, params, results, this.sp, !this.live);
    this.ctrl.push(f);
    this.frame = f;
    this.pushVals(params);
    return f;
  }

  /** The types of a label: a loop's params, else the results. */
  labelTypes(f: F): readonly ValType[] {
    return f.kind === FrameKind.loop ? f.params : f.results;
  }

  /** Tail calls: the callee's results must be the caller's. */
  checkTailResults(results: readonly ValType[]): void {
    const own = this.type.results;
    let same = own.length === results.length;
    for (let j = 0; same && j < own.length; j++) same = own[j] === results[j];
    if (!same) throw this.err('type mismatch: tail call results differ from the function results');
  }

  // ---- the pass ------------------------------------------------------------------------------------

  run(): R {
    const r = this.r;
    const env = this.env;
    const e = this.e;
    const params = this.type.params;
    this.checkTypes(params);
    this.checkTypes(this.type.results);
    r.readLocals(params.length);
    const localTypes = r.localTypes(params);
    this.localTypes = localTypes;
    for (let i = params.length; i < localTypes.length; i++) this.checkType(localTypes[i]);
    e.start(this);
    const fnFrame = e.frame(FrameKind.func, EMPTY, this.type.results, 0, false);
    this.ctrl.push(fnFrame);
    this.frame = fnFrame;
    const numLocals = localTypes.length;

    for (;;) {
      if (r.pos >= r.end) throw malformed('END opcode expected', r.base + r.pos);
      const op = r.next();
      const live = this.live;
      if (live) e.next(op);
      switch (op) {
        case Op.unreachable:
          if (live) e.unreachable();
          this.setUnreachable();
          break;
        case Op.nop:
          break;
        case Op.block:
        case Op.loop: {
          const f = this.pushFrame(
            op === Op.block ? FrameKind.block : FrameKind.loop,
            this.blockTypeParams(),
            this.blockTypeResults(),
          );
          if (live) {
            if (op === Op.block) e.block(f);
            else e.loop(f);
          }
          break;
        }
        case Op.if: {
          const bp = this.blockTypeParams();
          const br = this.blockTypeResults();
          this.pop(I32);
          const f = this.pushFrame(FrameKind.if, bp, br);
          if (live) e.if(f);
          break;
        }
        case Op.else: {
          const f = this.frame;
          if (f.kind !== FrameKind.if) throw this.err('else without matching if');
          this.popVals(f.results);
          if (this.sp !== f.height) throw this.err('type mismatch: values remaining at end of block');
          if (!f.dead) e.else(f, live);
          f.kind = FrameKind.else;
          f.unreachable = false;
          this.live = !f.dead;
          this.pushVals(f.params);
          break;
        }
        case Op.end: {
          const f = this.frame;
          this.popVals(f.results);
          if (this.sp !== f.height) throw this.err('type mismatch: values remaining at end of block');
          if (f.kind === FrameKind.if) {
            // No else: the implicit else passes the params through.
            const p = f.params;
            const res = f.results;
            let same = p.length === res.length;
            for (let j = 0; same && j < p.length; j++) same = p[j] === res[j];
            if (!same) throw this.err('type mismatch: if without else must not change the stack');
          }
          this.pushVals(f.results);
          if (f.kind === FrameKind.func) {
            if (r.pos < r.end) throw malformed('operators remaining after end of function', r.base + r.pos);
            return e.finish(live);
          }
          if (!f.dead) e.end(f, live);
          this.ctrl.pop();
          this.frame = this.ctrl[this.ctrl.length - 1];
          this.live = !this.frame.dead && !this.frame.unreachable;
          break;
        }
        case Op.br: {
          const target = this.labelFrame(r.index);
          const lt = this.labelTypes(target);
          this.popVals(lt);
          if (live) {
            this.sp += lt.length;
            e.br(target);
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
          if (live) e.brIf(target);
          break;
        }
        case Op.br_table: {
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
          if (live) e.brTable(targets, r.brDefault);
          this.setUnreachable();
          break;
        }
        case Op.return: {
          this.popVals(this.type.results);
          if (live) {
            this.sp += this.type.results.length;
            e.return();
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
            if (live) e.returnCall(fi, ft, h);
            this.setUnreachable();
            break;
          }
          this.pushVals(ft.results);
          if (live) e.call(fi, ft, h);
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
          this.popVals(td.params);
          const h = this.sp;
          if (op === Op.return_call_indirect) {
            this.checkTailResults(td.results);
            if (live) e.returnCallIndirect(ti, tbl, td, h);
            this.setUnreachable();
            break;
          }
          this.pushVals(td.results);
          if (live) e.callIndirect(ti, tbl, td, h);
          break;
        }
        case Op.drop:
          this.popAny();
          break;
        case Op.select:
        case Op.select_t: {
          const t = this.selectType(op === Op.select_t);
          const h = this.sp;
          this.push(t);
          if (live) e.select(t, h);
          break;
        }
        case Op.local_get: {
          const k = r.index;
          if (k >= numLocals) throw this.err(`unknown local ${k}`);
          const t = localTypes[k];
          const h = this.sp;
          this.push(t);
          if (live) e.localGet(k, t, h);
          break;
        }
        case Op.local_set:
        case Op.local_tee: {
          const k = r.index;
          if (k >= numLocals) throw this.err(`unknown local ${k}`);
          const t = localTypes[k];
          this.pop(t);
          const h = this.sp;
          const tee = op === Op.local_tee;
          if (tee) this.push(t);
          if (live) e.localSet(k, t, h, tee);
          break;
        }
        case Op.global_get: {
          const g = r.index;
          if (g >= env.globals.length) throw this.err(`unknown global ${g}`);
          const gt = env.globals[g];
          this.checkType(gt.type);
          const h = this.sp;
          this.push(gt.type);
          if (live) e.globalGet(g, h);
          break;
        }
        case Op.global_set: {
          const g = r.index;
          if (g >= env.globals.length) throw this.err(`unknown global ${g}`);
          const gt = env.globals[g];
          if (!gt.mutable) throw this.err('global is immutable');
          this.checkType(gt.type);
          this.pop(gt.type);
          if (live) e.globalSet(g, this.sp);
          break;
        }
        case Op.i32_const: {
          const h = this.sp;
          this.push(I32);
          if (live) e.i32Const(h, r.i32);
          break;
        }
        case Op.i64_const: {
          const h = this.sp;
          this.push(I64);
          // The halves as signed int32s, without the BigInt `r.i64` would make.
          if (live) e.i64Const(h, r.i64Lo, r.i64Hi);
          break;
        }
        case Op.f32_const: {
          const h = this.sp;
          this.push(F32);
          if (live) e.f32Const(h, r.f32Bits);
          break;
        }
        case Op.f64_const: {
          const h = this.sp;
          this.push(F64);
          if (live) e.f64Const(h, r.f64Lo, r.f64Hi);
          break;
        }
        case Op.ref_null: {
          const t = refType(r.heapType, true);
          this.checkType(t);
          const h = this.sp;
          this.push(t);
          if (live) e.refNull(h);
          break;
        }
        case Op.ref_is_null: {
          const t = this.popAny();
          if (t !== BOT && !isRef(t)) throw this.err(`type mismatch: ref.is_null of ${valTypeName(t)}`);
          const h = this.sp;
          this.push(I32);
          if (live) e.refIsNull(h);
          break;
        }
        case Op.ref_func: {
          const fi = r.index;
          if (fi >= env.funcs.length) throw this.err(`unknown function ${fi}`);
          if (!isDeclared(env.declaredFuncRefs, fi)) throw this.err(`undeclared function reference ${fi}`);
          const h = this.sp;
          this.push(FUNCREF);
          if (live) e.refFunc(fi, h);
          break;
        }
        default:
          this.other(op, live);
      }
    }
  }

  /** The type of a select: typed, or the operands' (numeric only). */
  selectType(typed: boolean): ValType {
    const r = this.r;
    if (typed) {
      if (r.selectTypes.length !== 1) throw this.err('invalid result arity');
      const t = r.selectTypes[0];
      this.checkType(t);
      this.pop(I32);
      this.pop(t);
      this.pop(t);
      return t;
    }
    this.pop(I32);
    const t2 = this.popAny();
    const t1 = this.popAny();
    if ((t1 !== BOT && isRef(t1)) || (t2 !== BOT && isRef(t2)) || t1 === V128 || t2 === V128) {
      if (t1 === V128 || t2 === V128) throw this.unsupported('SIMD (v128)');
      throw this.err('type mismatch: select without type on reference types');
    }
    if (t1 !== t2 && t1 !== BOT && t2 !== BOT) throw this.err('type mismatch: select operands differ');
    return t1 === BOT ? t2 : t1;
  }

  /** Memory `m` of a memory instruction, checked (one memory, 32-bit addresses). */
  memory(m: number): void {
    if (m >= this.env.memories.length) throw this.err(`unknown memory ${m}`);
  }

  memoryGates(m: number, m2: number): void {
    if (m !== 0 || m2 !== 0) throw this.unsupported('multiple memories');
    if (this.env.memories[m].limits.index64) throw this.unsupported('memory64');
  }

  /** A table index, checked. */
  table(t: number): void {
    if (t >= this.env.tables.length) throw this.err(`unknown table ${t}`);
  }

  /** Numeric, memory, table and prefixed operators. */
  other(op: number, live: boolean): void {
    const r = this.r;
    const env = this.env;
    const e = this.e;
    const info = opInfo(op);
    if (info === undefined) throw this.err(`unknown operator ${op}`);
    // The numeric operators first: most of what reaches here.
    if (isNumeric(info)) {
      const ps = info.params!;
      if (ps.length === 2) {
        this.pop(ps[1]);
        this.pop(ps[0]);
      } else this.pop(ps[0]);
      const h = this.sp;
      this.pushVals(info.results!);
      if (live) e.numeric(op, info, h);
      return;
    }
    if (info.natAlign >= 0) {
      // Loads and stores.
      if (op >>> 16 !== 0) throw this.unsupported(`${info.name}`);
      const m = r.memIndex;
      this.memory(m);
      if (r.memAlign > info.natAlign) throw this.err('alignment must not be larger than natural');
      if (env.memories[m].limits.index64) throw this.unsupported('memory64');
      // The reader takes 64-bit offsets where memory64 is enabled; a 32-bit memory's are below 2^32.
      if (r.memOffset > 0xffffffff) throw this.err('offset out of range for a 32-bit memory');
      if (m !== 0) throw this.unsupported('multiple memories');
      this.popVals(info.params!);
      const h = this.sp;
      this.pushVals(info.results!);
      if (live) e.memAccess(op, h, m, r.memOffset, 1 << info.natAlign);
      return;
    }
    switch (op) {
      case Op.memory_size:
      case Op.memory_grow: {
        const m = r.memIndex;
        this.memory(m);
        this.memoryGates(m, m);
        if (op === Op.memory_grow) this.pop(I32);
        const h = this.sp;
        this.push(I32);
        if (live) {
          if (op === Op.memory_size) e.memorySize(m, h);
          else e.memoryGrow(m, h);
        }
        return;
      }
      case Op.memory_fill:
      case Op.memory_copy:
      case Op.memory_init: {
        const m = r.memIndex;
        this.memory(m);
        let m2 = m;
        if (op === Op.memory_copy) {
          m2 = r.index2;
          this.memory(m2);
        }
        if (op === Op.memory_init) this.dataSegment(r.index);
        this.memoryGates(m, m2);
        this.popVals(info.params!);
        if (live) {
          const h = this.sp;
          if (op === Op.memory_fill) e.memoryFill(m, h);
          else if (op === Op.memory_copy) e.memoryCopy(m, m2, h);
          else e.memoryInit(r.index, m, h);
        }
        return;
      }
      case Op.data_drop:
        this.dataSegment(r.index);
        if (live) e.dataDrop(r.index);
        return;
      case Op.elem_drop:
        if (r.index >= env.elemTypes.length) throw this.err(`unknown elem segment ${r.index}`);
        if (live) e.elemDrop(r.index);
        return;
      case Op.table_get:
      case Op.table_set:
      case Op.table_size:
      case Op.table_grow:
      case Op.table_fill: {
        const t = r.index;
        this.table(t);
        const et = env.tables[t].refType;
        this.checkType(et);
        if (env.tables[t].limits.index64) throw this.unsupported('table64');
        if (op === Op.table_get) {
          this.pop(I32);
          const h = this.sp;
          this.push(et);
          if (live) e.tableGet(t, h);
        } else if (op === Op.table_set) {
          this.pop(et);
          this.pop(I32);
          if (live) e.tableSet(t, this.sp);
        } else if (op === Op.table_size) {
          const h = this.sp;
          this.push(I32);
          if (live) e.tableSize(t, h);
        } else if (op === Op.table_grow) {
          this.pop(I32);
          this.pop(et);
          const h = this.sp;
          this.push(I32);
          if (live) e.tableGrow(t, h);
        } else {
          this.pop(I32);
          this.pop(et);
          this.pop(I32);
          if (live) e.tableFill(t, this.sp);
        }
        return;
      }
      case Op.table_copy: {
        const d = r.index;
        const s = r.index2;
        this.table(d);
        this.table(s);
        if (env.tables[d].refType !== env.tables[s].refType)
          throw this.err('type mismatch: table.copy between tables of different types');
        this.popVals(info.params!);
        if (live) e.tableCopy(d, s, this.sp);
        return;
      }
      case Op.table_init: {
        const seg = r.index;
        const t = r.index2;
        this.table(t);
        if (seg >= env.elemTypes.length) throw this.err(`unknown elem segment ${seg}`);
        if (env.tables[t].refType !== env.elemTypes[seg])
          throw this.err('type mismatch: table.init of an element segment of another type');
        this.popVals(info.params!);
        if (live) e.tableInit(seg, t, this.sp);
        return;
      }
    }
    throw this.unsupported(info.feature === null ? info.name : `${info.name} (${info.feature})`);
  }

  /** A data segment index, checked (which needs the data count section). */
  dataSegment(d: number): void {
    if (this.env.dataCount === null) throw malformed('data count section required', this.r.opOffset);
    if (d >= this.env.dataCount) throw this.err(`unknown data segment ${d}`);
  }
}

/** A numeric operator (fixed stack effect of one or two operands): the scalar numeric families. */
function isNumeric(info: OpInfo): boolean {
  const family = info.family;
  return family === 'i32' || family === 'i64' || family === 'f32' || family === 'f64';
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
