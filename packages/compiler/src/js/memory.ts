/**
 * Memory access: loads and stores with their bounds checks, through the
 * DataView, the byte array, or a typed array where the address is known to be
 * aligned; memory.size/grow and the bulk memory instructions; and the f32
 * loads whose NaN payload no later use can see (a plain DataView read).
 *
 * `(a>>>0) > LEN - (offset + size)` traps (exact: no value wraps), so
 * afterwards `(a + offset | 0) >>> 0` is the exact address (below LEN <=
 * 2^32). A check implied by an earlier one on the same base is left out
 * (`bounds-facts.ts`). The DataView takes any alignment, little-endian, with
 * no fallback path for misaligned addresses (which V8 would compile as a
 * deoptimization exit: typed arrays measured slower with one).
 */
import { Names, Op, opInfo, TrapCode } from '@wasmloom/binary';
import { boundsCheck } from './bounds-facts.js';
import { type JsFunctionState, QUIET, REFSLOT, SIMPLE, STORED_S, STORED_T_S } from './function-state.js';
import { LE_END, LE_STORE_END, MEMORY, type MemNames, memNames, S_NAME, S_SET, T_SET } from './names.js';
import { bare, isLocalName, litValue, numLit } from './text.js';

/** Typed arrays use the host's byte order; wasm memory is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The typed-array index after `index` (an i64's high word): `lit` is non-null for a constant address. */
function nextIndex(index: string, lit: number | null): string {
  return lit !== null ? numLit(Number(index) + 1) : `(${index})+1`;
}

/** A load or store of `size` bytes of memory m: address at h, a store's value at h + 1. */
export function emitMemAccess(
  c: JsFunctionState,
  op: number,
  h: number,
  m: number,
  offset: number,
  size: number,
): void {
  const out = c.out;
  const names = memNames(m);
  const v = h + 1;
  if (op === Op.i64_store8 || op === Op.i64_store16 || op === Op.i64_store32) c.loOnly(v);
  const a = c.simple(h);
  const lit = litValue(a);
  // Texts are made only where they are used (a check left out has none, the
  // high word's address is for i64 only); the length and the trap are named
  // whether or not the check is left out.
  const wide = op === Op.i64_load || op === Op.i64_store;
  c.mv(names.len);
  c.traps |= 1 << TrapCode.memoryOutOfBounds;
  let ea: string;
  let ea4 = '';
  // The int32 address of a non-constant one (see `alignedIndex`).
  let e = a;
  if (lit !== null) {
    const k = (lit >>> 0) + offset;
    boundsCheck(c, '#', k + size, names);
    ea = numLit(k);
    if (wide) ea4 = numLit(k + 4);
  } else {
    boundsCheck(c, a, offset + size, names);
    // A memory that cannot exceed 2 GiB has its checked addresses below 2^31:
    // the int32 sum is the address, with nothing left for V8 to check (`>>>0`
    // would be speculated on and checked to stay below 2^31 anyway).
    const max = c.d.env.memories[m].limits.max;
    const unsigned = !(max !== null && max <= 32768);
    if (offset !== 0) {
      // The int32 sum, measured faster in V8 than `a+offset>>>0`: in place
      // where the address is used once, else in the scratch first.
      if (!wide) e = `(${a}+${offset}|0)`;
      else {
        c.usesX = true;
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
  const index = alignedIndex(c, op, h, a, lit, offset, size, e);
  if (index !== null) {
    let lo = '';
    let hi = '';
    let fast = '';
    switch (op) {
      case Op.i32_load:
        lo = `${c.mv(names.i32)}[${index}]`;
        break;
      case Op.f64_load:
        lo = `${c.mv(names.f64)}[${index}]`;
        break;
      case Op.i64_load: {
        const I = c.mv(names.i32);
        lo = `${I}[${index}]`;
        hi = `${I}[${nextIndex(index, lit)}]`;
        break;
      }
      case Op.i32_store:
        fast = `${c.mv(names.i32)}[${index}]=${bare(c.val(v))};`;
        break;
      case Op.f64_store:
        fast = `${c.mv(names.f64)}[${index}]=${bare(c.val(v))};`;
        break;
      default: {
        // i64.store
        const I = c.mv(names.i32);
        fast = `${I}[${index}]=${bare(c.lo(v))};${I}[${nextIndex(index, lit)}]=${bare(c.hi(v))};`;
      }
    }
    c.stAt = -1;
    const origin = c.taOrigin;
    if (origin !== null) {
      // On an assumption: the DataView access replaces it if that fails.
      c.pending.push({
        at: out.length,
        text: slowAccess(c, op, h, v, names.dv.local, ea, ea4),
        base: a,
        origin,
        need: c.taNeed,
        view: names.dv,
      });
    }
    if (lo === '') out.push(fast);
    else if (origin === null) c.stored(h, hi === '' ? STORED_S : STORED_T_S, lo, hi);
    else out.push(hi === '' ? `${S_SET.get(h)}${lo};` : `${T_SET.get(h)}${hi};${S_SET.get(h)}${lo};`);
    if (op === Op.i32_load || op === Op.f64_load) c.setMat(h, false);
    else if (op === Op.i64_load) c.setMat(h, true);
    return;
  }
  if (size > 1) c.mv(names.dv);
  emitMemAccessDV(c, op, h, v, names, ea, ea4);
}

/**
 * The typed-array index of an access whose address is known to be a multiple
 * of its size (i32, i64 as two i32s, f64), or null; `e` is the int32 address
 * of a non-constant one. Known: a constant address, a local whose alignment
 * is known (`align`, possibly on an assumption made at a loop's entry:
 * `origin`, left in `taOrigin`), or an operand whose value's alignment is
 * known (`ez`). Offsets keep the alignment when they are multiples of it.
 */
function alignedIndex(
  c: JsFunctionState,
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
  c.taNeed = sh;
  c.taOrigin = null;
  if (lit !== null) {
    const k = (lit >>> 0) + offset;
    return k % unit === 0 && k + size <= 2 ** 32 ? numLit(k / unit) : null;
  }
  if (offset % unit !== 0) return null;
  if (isLocalName(a)) {
    const al = c.align.get(a);
    if (al === undefined || al.tz < sh) return null;
    c.taOrigin = al.origin;
  } else if (c.ez[h] < sh) return null;
  // `>>>sh` makes the int32 address unsigned and exact.
  return `${e}>>>${sh}`;
}

/** The DataView statement of a typed-array access (`emitMemAccess`), for when its assumption fails. */
function slowAccess(
  c: JsFunctionState,
  op: number,
  h: number,
  v: number,
  DV: string,
  ea: string,
  ea4: string,
): string {
  switch (op) {
    case Op.i32_load:
      return `${S_SET.get(h)}${DV}.i(${ea},true);`;
    case Op.f64_load:
      return `${S_SET.get(h)}${DV}.d(${ea},true);`;
    case Op.i64_load:
      return `${T_SET.get(h)}${DV}.i(${ea4},true);${S_SET.get(h)}${DV}.i(${ea},true);`;
    case Op.i32_store:
      return `${DV}.I(${ea},${bare(c.val(v))},true);`;
    case Op.f64_store:
      return `${DV}.D(${ea},${bare(c.val(v))},true);`;
    default:
      // i64.store
      return `${DV}.I(${ea},${bare(c.lo(v))},true);${DV}.I(${ea4},${bare(c.hi(v))},true);`;
  }
}

/** A load or store through the DataView (or the byte array). */
function emitMemAccessDV(
  c: JsFunctionState,
  op: number,
  h: number,
  v: number,
  names: MemNames,
  ea: string,
  ea4: string,
): void {
  const out = c.out;
  const dv = names.dvCalls;
  switch (op) {
    case Op.i32_load:
      c.assign(h, `${dv.i}${ea}${LE_END}`);
      return;
    case Op.i32_load8_s:
      c.assign(h, `${u8Index(c, names)}${ea}]<<24>>24`);
      return;
    case Op.i32_load8_u:
      c.assign(h, `${u8Index(c, names)}${ea}]`);
      return;
    case Op.i32_load16_s:
      c.assign(h, `${dv.h}${ea}${LE_END}`);
      return;
    case Op.i32_load16_u:
      c.assign(h, `${dv.u}${ea}${LE_END}`);
      return;
    case Op.f32_load:
      c.assign(h, `${dv.loadF32}${ea})`);
      c.rawF32.set(h, { at: out.length - 1, text: `${S_SET.get(h)}${dv.f}${ea}${LE_END};` });
      return;
    case Op.f64_load:
      c.assign(h, `${dv.d}${ea}${LE_END}`);
      return;
    case Op.i64_load:
      // High word first: the address may be in `s{h}`.
      c.stored(h, STORED_T_S, `${dv.i}${ea}${LE_END}`, `${dv.i}${ea4}${LE_END}`);
      break;
    case Op.i64_load8_s:
      narrow64(c, h, `${u8Index(c, names)}${ea}]<<24>>24`, true);
      return;
    case Op.i64_load8_u:
      narrow64(c, h, `${u8Index(c, names)}${ea}]`, false);
      return;
    case Op.i64_load16_s:
      narrow64(c, h, `${dv.h}${ea}${LE_END}`, true);
      return;
    case Op.i64_load16_u:
      narrow64(c, h, `${dv.u}${ea}${LE_END}`, false);
      return;
    case Op.i64_load32_s:
      narrow64(c, h, `${dv.i}${ea}${LE_END}`, true);
      return;
    case Op.i64_load32_u:
      narrow64(c, h, `${dv.i}${ea}${LE_END}`, false);
      return;
    case Op.i32_store:
      out.push(`${dv.I}${ea},${bare(c.val(v))}${LE_STORE_END}`);
      return;
    case Op.i32_store8:
      out.push(`${u8Index(c, names)}${ea}]=${bare(c.val(v))};`);
      return;
    case Op.i32_store16:
      out.push(`${dv.H}${ea},${bare(c.val(v))}${LE_STORE_END}`);
      return;
    case Op.f32_store:
      if (c.ef[v] & QUIET) out.push(`${dv.F}${ea},${bare(c.val(v))}${LE_STORE_END}`);
      else out.push(`${dv.storeF32}${ea},${bare(c.val(v))});`);
      return;
    case Op.f64_store:
      out.push(`${dv.D}${ea},${bare(c.val(v))}${LE_STORE_END}`);
      return;
    case Op.i64_store:
      out.push(`${dv.I}${ea},${bare(c.lo(v))}${LE_STORE_END}${dv.I}${ea4},${bare(c.hi(v))}${LE_STORE_END}`);
      return;
    case Op.i64_store8:
      out.push(`${u8Index(c, names)}${ea}]=${bare(c.lo(v))};`);
      return;
    case Op.i64_store16:
      out.push(`${dv.H}${ea},${bare(c.lo(v))}${LE_STORE_END}`);
      return;
    case Op.i64_store32:
      out.push(`${dv.I}${ea},${bare(c.lo(v))}${LE_STORE_END}`);
      return;
  }
  c.setMat(h, true);
}

/** `B{m}[`: the byte array indexed (its view used). */
function u8Index(c: JsFunctionState, names: MemNames): string {
  c.mv(names.u8);
  return names.u8Open;
}

/**
 * A narrow i64 load: the low half `load` into its slot, the high half (its
 * sign or 0) left pending on it, written only where it is used: code that
 * loads an i64 this way often wraps it right back to an i32.
 */
function narrow64(c: JsFunctionState, h: number, load: string, signed: boolean): void {
  c.assign(h, load);
  c.eh[h] = signed ? `(${S_NAME.get(h)}>>31)` : '0';
  c.ef[h] = signed ? REFSLOT : SIMPLE | REFSLOT;
}

export function emitMemorySize(c: JsFunctionState, m: number, h: number): void {
  c.assign(h, `${c.mv(memNames(m).len)}/65536`);
}

export function emitMemoryGrow(c: JsFunctionState, m: number, h: number): void {
  c.assign(h, `memoryGrow(${MEMORY.get(m)},${c.val(h)})`);
  c.reloadViews();
}

/** The three operands of a bulk instruction at h. */
function bulkArgs(c: JsFunctionState, h: number): string {
  return `${bare(c.val(h))},${bare(c.val(h + 1))},${bare(c.val(h + 2))}`;
}

export function emitMemoryFill(c: JsFunctionState, m: number, h: number): void {
  const names = memNames(m);
  c.emit(`memoryFill(${c.mv(names.u8)},${c.mv(names.len)},${bulkArgs(c, h)});`);
}

export function emitMemoryCopy(c: JsFunctionState, dst: number, src: number, h: number): void {
  const a = bulkArgs(c, h);
  const d = memNames(dst);
  const s = memNames(src);
  c.emit(`memoryCopy(${c.mv(d.u8)},${c.mv(d.len)},${c.mv(s.u8)},${c.mv(s.len)},${a});`);
}

export function emitMemoryInit(c: JsFunctionState, seg: number, m: number, h: number): void {
  const names = memNames(m);
  const a = bulkArgs(c, h);
  c.emit(`memoryInit(${c.mv(names.u8)},${c.mv(names.len)},${Names.data}[${seg}],${a});`);
}

export function emitDataDrop(c: JsFunctionState, seg: number): void {
  c.emit(`dataDrop(${Names.data},${seg});`);
}

/**
 * Whether `op` leaves the stack's f32.load values unread until a numeric
 * operator uses them (`rawF32`): pushes, loads and numeric operators.
 * Anything else (local.tee, branches with values, stores, calls, block
 * ends...) may copy a value, so the loads it leaves keep `loadF32`.
 */
function keepsRawF32(op: number): boolean {
  if (op === Op.local_get || op === Op.global_get) return true;
  const info = opInfo(op);
  if (info === undefined) return false;
  const family = info.family;
  return (
    family === 'const' ||
    family === 'i32' ||
    family === 'i64' ||
    family === 'f32' ||
    family === 'f64' ||
    (family === 'memory' && info.natAlign >= 0 && info.results !== null && info.results.length === 1)
  );
}

/** Before an instruction: the raw f32 loads are forgotten unless `op` leaves them unread. */
export function beforeInstruction(c: JsFunctionState, op: number): void {
  if (c.rawF32.size !== 0 && !keepsRawF32(op)) c.rawF32.clear();
}

/**
 * The operands at h..h+n-1 of a numeric operator are used: an f32.load among
 * them becomes a plain DataView read if the operator is one whose result the
 * NaN's payload cannot reach (`quietF32Operands` in the opcode table). The
 * DataView read quiets a signalling NaN, which `loadF32` keeps for stores,
 * reinterpretation, abs, neg and copysign; arithmetic on a NaN must give some
 * quiet NaN (the spec's arithmetic NaNs), a canonical one from a canonical
 * one, which the DataView read keeps. Measured on an f32 saxpy loop (`y[i] =
 * a * x[i] + y[i]`): 5.3x native before, 4.3x with this, 4.0x with `QUIET`
 * stores as well; the f32 kernel, bound by its dependent sum, about 1%.
 */
export function quietF32Loads(c: JsFunctionState, quiet: boolean, h: number, n: number): void {
  for (let k = h; k < h + n; k++) {
    const load = c.rawF32.get(k);
    if (load === undefined) continue;
    if (quiet) c.out[load.at] = load.text;
    c.rawF32.delete(k);
  }
}
