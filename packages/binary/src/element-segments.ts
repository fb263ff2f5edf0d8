/**
 * Reading and making the compact element segments of `types.ts`
 * (`ElementSegments`): the decoder (sections.ts) writes them directly; these
 * are for everything that wants one segment at a time (the runtime, tools,
 * tests, hand-built modules).
 */
import { i32ConstExpr } from './data-segments.js';
import { Op } from './opcodes.js';
import { type ConstExpr, type ElementSegment, type ElementSegments, ElemKind, FUNCREF } from './types.js';

/** Number of segments. */
export function elementSegmentCount(elems: ElementSegments): number {
  return elems.kinds.length;
}

/** Where compact segment `i`'s function indices start in `elems.funcs`. */
export function elementSegmentStart(elems: ElementSegments, i: number): number {
  return i === 0 ? 0 : elems.ends[i - 1];
}

/** The function indices of segment `i`, or null when it holds expressions. */
export function elementSegmentFuncs(elems: ElementSegments, i: number): ArrayLike<number> | null {
  if (elems.kinds[i] === ElemKind.other) return elems.others[elems.offsets[i]].funcIndices;
  return elems.funcs.subarray(elementSegmentStart(elems, i), elems.ends[i]);
}

/** Segment `i`'s mode. */
export function elementSegmentMode(elems: ElementSegments, i: number): ElementSegment['mode'] {
  switch (elems.kinds[i]) {
    case ElemKind.active:
      return 'active';
    case ElemKind.passive:
      return 'passive';
    case ElemKind.declarative:
      return 'declarative';
    default:
      return elems.others[elems.offsets[i]].mode;
  }
}

/**
 * Segment `i` as a separate object, made now. The offset expression of an
 * `ElemKind.active` segment is made too, with `offset` (where it is in the
 * module) -1, since only the value is kept.
 */
export function elementSegmentAt(elems: ElementSegments, i: number): ElementSegment {
  const kind = elems.kinds[i];
  if (kind === ElemKind.other) return elems.others[elems.offsets[i]];
  return {
    mode: elementSegmentMode(elems, i),
    table: 0,
    offset: kind === ElemKind.active ? i32ConstExpr(elems.offsets[i]) : null,
    refType: FUNCREF,
    funcIndices: Array.from(elems.funcs.subarray(elementSegmentStart(elems, i), elems.ends[i])),
    exprs: null,
  };
}

/** Whether `e` is a lone `i32.const` (the compact form's offset). */
function isI32Const(e: ConstExpr | null): e is ConstExpr {
  return (
    e !== null &&
    e.instrs.length === 1 &&
    e.instrs[0].op === Op.i32_const &&
    typeof e.instrs[0].imm === 'number'
  );
}

/** The compact kind `s` fits, or `ElemKind.other`. */
function compactKind(s: ElementSegment): number {
  if (s.funcIndices === null || s.refType !== FUNCREF) return ElemKind.other;
  if (s.mode === 'passive') return ElemKind.passive;
  if (s.mode === 'declarative') return ElemKind.declarative;
  return s.table === 0 && isI32Const(s.offset) ? ElemKind.active : ElemKind.other;
}

/** The compact form of `segments` (their function indices copied). */
export function makeElementSegments(segments: readonly ElementSegment[]): ElementSegments {
  const n = segments.length;
  const ends = new Uint32Array(n);
  const kinds = new Uint8Array(n);
  const offsets = new Int32Array(n);
  const others: ElementSegment[] = [];
  const funcs: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = segments[i];
    const kind = compactKind(s);
    kinds[i] = kind;
    if (kind === ElemKind.other) {
      offsets[i] = others.length;
      others.push(s);
    } else {
      if (kind === ElemKind.active) offsets[i] = (s.offset as ConstExpr).instrs[0].imm as number;
      for (const f of s.funcIndices as number[]) funcs.push(f);
    }
    ends[i] = funcs.length;
  }
  return { funcs: Uint32Array.from(funcs), ends, kinds, offsets, others };
}
