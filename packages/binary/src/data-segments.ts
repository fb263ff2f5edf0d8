/**
 * Reading and making the compact data segments of `types.ts`
 * (`DataSegments`): the decoder (sections.ts) writes them directly, the
 * runtime reads the typed arrays directly; these are for everything that
 * wants one segment at a time (tools, tests, hand-built modules).
 */
import { Op } from './opcodes.js';
import {
  type ConstExpr,
  DataKind,
  type DataPlacement,
  type DataSegment,
  type DataSegments,
  I32,
} from './types.js';

/**
 * Segments of at most this many bytes are copied byte by byte: below it, a
 * loop beats making a view for `set` (most of esbuild-wasm's 98,450 are).
 */
const COPY_LOOP_MAX = 64;

/** Copies `src[start, end)` to `dst` at `at`: small runs by a loop (`COPY_LOOP_MAX`), others with `set`. */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start <= COPY_LOOP_MAX) {
    for (let s = start; s < end; s++) dst[at++] = src[s];
  } else {
    dst.set(src.subarray(start, end), at);
  }
}

/** Number of segments. */
export function dataSegmentCount(data: DataSegments): number {
  return data.ends.length;
}

/** Where segment `i`'s bytes start in `data.bytes`. */
export function dataSegmentStart(data: DataSegments, i: number): number {
  return i === 0 ? 0 : data.ends[i - 1];
}

/** Segment `i`'s bytes: a view of `data.bytes`, made now. */
export function dataSegmentBytes(data: DataSegments, i: number): Uint8Array {
  return data.bytes.subarray(dataSegmentStart(data, i), data.ends[i]);
}

/** The expression `i32.const value`; `at` is where it starts in the module (-1: nowhere). */
export function i32ConstExpr(value: number, at = -1): ConstExpr {
  return { offset: at, instrs: [{ op: Op.i32_const, imm: value }], type: I32 };
}

/**
 * Segment `i` as a separate object, made now. The offset expression of a
 * `DataKind.active` segment is made too: its `offset` (where it is in the
 * module) is -1, since only the value is kept.
 */
export function dataSegmentAt(data: DataSegments, i: number): DataSegment {
  const bytes = dataSegmentBytes(data, i);
  switch (data.kinds[i]) {
    case DataKind.active:
      return { mode: 'active', memory: 0, offset: i32ConstExpr(data.offsets[i]), bytes };
    case DataKind.passive:
      return { mode: 'passive', memory: 0, offset: null, bytes };
    default: {
      const { memory, offset } = data.placements[data.offsets[i]];
      return { mode: 'active', memory, offset, bytes };
    }
  }
}

/** Whether `e` is a lone `i32.const` (the compact form's offset). */
function isI32Const(e: ConstExpr): boolean {
  return e.instrs.length === 1 && e.instrs[0].op === Op.i32_const && typeof e.instrs[0].imm === 'number';
}

/** The compact form of `segments` (their bytes copied). */
export function makeDataSegments(segments: readonly DataSegment[]): DataSegments {
  const n = segments.length;
  const ends = new Uint32Array(n);
  const kinds = new Uint8Array(n);
  const offsets = new Int32Array(n);
  const placements: DataPlacement[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = segments[i];
    total += s.bytes.length;
    ends[i] = total;
    if (s.mode === 'passive') {
      kinds[i] = DataKind.passive;
    } else if (s.memory === 0 && s.offset !== null && isI32Const(s.offset)) {
      kinds[i] = DataKind.active;
      offsets[i] = s.offset.instrs[0].imm as number;
    } else {
      if (s.offset === null) throw new TypeError(`active data segment ${i} without an offset`);
      kinds[i] = DataKind.activeExpr;
      offsets[i] = placements.length;
      placements.push({ memory: s.memory, offset: s.offset });
    }
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) bytes.set(segments[i].bytes, i === 0 ? 0 : ends[i - 1]);
  return { bytes, ends, kinds, offsets, placements };
}
