/**
 * The null emitter: the decoder with it validates a body and emits nothing
 * (V8's empty decoder interface). `WebAssembly.validate` and the first tier of
 * loading use it, so they cost no JS text.
 */

import type { ValType } from '@wasmloom/binary';
import type { ControlFrame, Emitter, FrameKind } from './emitter.js';

function nothing(): void {}

/** A frame of the decoder's own (no emitter state). */
function frame(
  kind: FrameKind,
  params: readonly ValType[],
  results: readonly ValType[],
  height: number,
  dead: boolean,
): ControlFrame {
  return { kind, params, results, height, unreachable: false, dead };
}

export const NULL_EMITTER: Emitter<ControlFrame, void> = {
  quiet: true,
  start: nothing,
  frame,
  next: nothing,
  unreachable: nothing,
  block: nothing,
  loop: nothing,
  if: nothing,
  else: nothing,
  end: nothing,
  br: nothing,
  brIf: nothing,
  brTable: nothing,
  return: nothing,
  call: nothing,
  returnCall: nothing,
  callIndirect: nothing,
  returnCallIndirect: nothing,
  select: nothing,
  localGet: nothing,
  localSet: nothing,
  globalGet: nothing,
  globalSet: nothing,
  i32Const: nothing,
  i64Const: nothing,
  f32Const: nothing,
  f64Const: nothing,
  refNull: nothing,
  refIsNull: nothing,
  refFunc: nothing,
  tableGet: nothing,
  tableSet: nothing,
  tableSize: nothing,
  tableGrow: nothing,
  tableFill: nothing,
  tableCopy: nothing,
  tableInit: nothing,
  elemDrop: nothing,
  memAccess: nothing,
  memorySize: nothing,
  memoryGrow: nothing,
  memoryFill: nothing,
  memoryCopy: nothing,
  memoryInit: nothing,
  dataDrop: nothing,
  numeric: nothing,
  finish: nothing,
};
