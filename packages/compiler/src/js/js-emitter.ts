/**
 * The JS emitter: the `Emitter` the decoder drives to compile a function body
 * to one JavaScript function's source. Each callback hands the instruction to
 * its family's file; the state all families share is `JsFunctionState`.
 */
import type { FuncType, OpInfo, ValType } from '@wasmloom/binary';
import { type DecoderState, type Emitter, FrameKind } from '../emitter.js';
import { emitCall, emitCallIndirect, emitReturnCall, emitReturnCallIndirect } from './calls.js';
import {
  emitBlock,
  emitBranch,
  emitBrIf,
  emitBrTable,
  emitElse,
  emitEnd,
  emitIf,
  emitReturn,
  emitUnreachable,
  newFrame,
} from './control.js';
import { emitFloat } from './float.js';
import { emitEpilogue, emitPrologue } from './function.js';
import { type JsFrame, JsFunctionState } from './function-state.js';
import { emitI32 } from './i32.js';
import { emitI64 } from './i64.js';
import {
  beforeInstruction,
  emitDataDrop,
  emitMemAccess,
  emitMemoryCopy,
  emitMemoryFill,
  emitMemoryGrow,
  emitMemoryInit,
  emitMemorySize,
  quietF32Loads,
} from './memory.js';
import { segmentBoundary } from './segments.js';
import {
  emitElemDrop,
  emitRefFunc,
  emitRefIsNull,
  emitRefNull,
  emitTableCopy,
  emitTableFill,
  emitTableGet,
  emitTableGrow,
  emitTableInit,
  emitTableSet,
  emitTableSize,
} from './tables.js';
import {
  emitF32Const,
  emitF64Const,
  emitGlobalGet,
  emitGlobalSet,
  emitI32Const,
  emitI64Const,
  emitLocalGet,
  emitLocalSet,
  emitSelect,
} from './variables.js';

export class JsEmitter extends JsFunctionState implements Emitter<JsFrame, string> {
  readonly quiet = false;

  start(d: DecoderState<JsFrame>): void {
    this.d = d;
    emitPrologue(this);
  }

  frame(
    kind: FrameKind,
    params: readonly ValType[],
    results: readonly ValType[],
    height: number,
    dead: boolean,
  ): JsFrame {
    // Before the decoder pushes it: its label is `L{n}`, n its 1-based depth
    // below the function's frame (0).
    return newFrame(
      kind,
      params,
      results,
      height,
      dead,
      kind === FrameKind.func ? 0 : this.d.ctrl.length + 1,
    );
  }

  next(op: number): void {
    segmentBoundary(this);
    beforeInstruction(this, op);
  }

  unreachable(): void {
    emitUnreachable(this);
  }
  block(f: JsFrame): void {
    emitBlock(this, f);
  }
  loop(f: JsFrame): void {
    emitBlock(this, f);
  }
  if(f: JsFrame): void {
    emitIf(this, f);
  }
  else(f: JsFrame, reachable: boolean): void {
    emitElse(this, f, reachable);
  }
  end(f: JsFrame, reachable: boolean): void {
    emitEnd(this, f, reachable);
  }
  br(target: JsFrame): void {
    emitBranch(this, target);
  }
  brIf(target: JsFrame): void {
    emitBrIf(this, target);
  }
  brTable(targets: readonly number[], defaultTarget: number): void {
    emitBrTable(this, targets, defaultTarget);
  }
  return(): void {
    emitReturn(this);
  }

  call(fi: number, ft: FuncType, h: number): void {
    emitCall(this, fi, ft, h);
  }
  returnCall(fi: number, ft: FuncType, h: number): void {
    emitReturnCall(this, fi, ft, h);
  }
  callIndirect(typeIndex: number, table: number, ft: FuncType, h: number): void {
    emitCallIndirect(this, typeIndex, table, ft, h);
  }
  returnCallIndirect(typeIndex: number, table: number, ft: FuncType, h: number): void {
    emitReturnCallIndirect(this, typeIndex, table, ft, h);
  }

  select(t: ValType, h: number): void {
    emitSelect(this, t, h);
  }
  localGet(k: number, t: ValType, h: number): void {
    emitLocalGet(this, k, t, h);
  }
  localSet(k: number, t: ValType, h: number, tee: boolean): void {
    emitLocalSet(this, k, t, h, tee);
  }
  globalGet(g: number, h: number): void {
    emitGlobalGet(this, g, h);
  }
  globalSet(g: number, h: number): void {
    emitGlobalSet(this, g, h);
  }
  i32Const(h: number, v: number): void {
    emitI32Const(this, h, v);
  }
  i64Const(h: number, lo: number, hi: number): void {
    emitI64Const(this, h, lo, hi);
  }
  f32Const(h: number, bits: number): void {
    emitF32Const(this, h, bits);
  }
  f64Const(h: number, lo: number, hi: number): void {
    emitF64Const(this, h, lo, hi);
  }

  refNull(h: number): void {
    emitRefNull(this, h);
  }
  refIsNull(h: number): void {
    emitRefIsNull(this, h);
  }
  refFunc(fi: number, h: number): void {
    emitRefFunc(this, fi, h);
  }
  tableGet(t: number, h: number): void {
    emitTableGet(this, t, h);
  }
  tableSet(t: number, h: number): void {
    emitTableSet(this, t, h);
  }
  tableSize(t: number, h: number): void {
    emitTableSize(this, t, h);
  }
  tableGrow(t: number, h: number): void {
    emitTableGrow(this, t, h);
  }
  tableFill(t: number, h: number): void {
    emitTableFill(this, t, h);
  }
  tableCopy(dst: number, src: number, h: number): void {
    emitTableCopy(this, dst, src, h);
  }
  tableInit(seg: number, t: number, h: number): void {
    emitTableInit(this, seg, t, h);
  }
  elemDrop(seg: number): void {
    emitElemDrop(this, seg);
  }

  memAccess(op: number, h: number, m: number, offset: number, size: number): void {
    emitMemAccess(this, op, h, m, offset, size);
  }
  memorySize(m: number, h: number): void {
    emitMemorySize(this, m, h);
  }
  memoryGrow(m: number, h: number): void {
    emitMemoryGrow(this, m, h);
  }
  memoryFill(m: number, h: number): void {
    emitMemoryFill(this, m, h);
  }
  memoryCopy(dst: number, src: number, h: number): void {
    emitMemoryCopy(this, dst, src, h);
  }
  memoryInit(seg: number, m: number, h: number): void {
    emitMemoryInit(this, seg, m, h);
  }
  dataDrop(seg: number): void {
    emitDataDrop(this, seg);
  }

  numeric(op: number, info: OpInfo, h: number): void {
    if (this.rawF32.size !== 0) quietF32Loads(this, info.quietF32Operands, h, info.params!.length);
    switch (info.family) {
      case 'i32':
        emitI32(this, op, h);
        return;
      case 'i64':
        emitI64(this, op, h);
        return;
      default:
        emitFloat(this, op, h);
    }
  }

  finish(reachable: boolean): string {
    if (reachable && this.d.type.results.length > 0) emitReturn(this);
    return emitEpilogue(this);
  }
}
