/**
 * The functions generated code calls (see abi.ts): every export of this file is
 * bound under its own name in the module factory's scope, so the emitter writes
 * `i64DivS(...)`, `trap(2)`, `fround(x)` as bare calls. Only what is too long to
 * inline lives here: i64 divide/shift by a variable/bit counts, float
 * conversions with exact rounding, NaN-payload-preserving f32 bit access,
 * min/max/nearest/copysign, and the bulk memory and table operations.
 *
 * i64 values are (lo, hi) pairs of signed 32-bit numbers; a helper returning an
 * i64 returns lo and leaves hi in `HI[0]`. f32 values are doubles exactly
 * representable as float32, and an f32 NaN carries its 23-bit payload in the
 * top of the double's payload (the encoding float→double conversion uses), so
 * JS arithmetic on it gives the same quiet NaN the hardware would.
 */
import { type FuncRef, TrapCode, trapMessages } from '@wasmloom/binary';
import { RuntimeError } from './errors.js';
import {
  ArrayBuffer,
  BigInt,
  captureStackTrace,
  copyWithin,
  DataView,
  Float32Array,
  Float64Array,
  Function,
  fillBytes,
  Int32Array,
  Math,
  Number,
  Object,
  Reflect,
  setBytes,
  subarray,
  Uint8Array,
  Uint16Array,
} from './intrinsics.js';

// Bindings of the factory too (instance.ts): generated code sees the built-ins of load time.
export {
  ArrayBuffer,
  BigInt,
  DataView,
  Float32Array,
  Float64Array,
  Function,
  Int32Array,
  Math,
  Number,
  Object,
  Reflect,
  Uint8Array,
};

/** hi half of an i64 result (abi.ts). */
export const HI = new Int32Array(2);
/**
 * Multi-value results. Generic (non-double) elements: V8 canonicalizes NaNs
 * stored into double-element arrays, which would lose NaN payloads.
 */
export const RV: unknown[] = [null, null, null, null, null, null, null, null];

// Math builtins under short names: shorter sources, and immune to a page replacing Math.*.
export const fround = Math.fround;
export const imul = Math.imul;
export const clz32 = Math.clz32;
export const fabs = Math.abs;
export const sqrt = Math.sqrt;

// ---- Memory views ------------------------------------------------------------------

/**
 * The DataView of a memory (`DV{m}`, abi.ts): a DataView whose accessors the
 * generated code calls under one-letter names, lower case to get and upper
 * case to set: `i`/`I` Int32, `h`/`H` Int16 (`u` getUint16), `f`/`F` Float32,
 * `d`/`D` Float64. They are the DataView's own builtins, which V8 inlines by
 * their identity whatever the property is called, so generated code runs as
 * with the long names: a large module makes over a million such calls in its
 * source (esbuild-wasm: 1.2 M), and the long names were a tenth of its text.
 */
export class MemoryView extends (DataView as new (buffer: ArrayBufferLike) => DataView) {}
{
  const dv = DataView.prototype;
  const alias = (name: string, fn: unknown): void => {
    Object.defineProperty(MemoryView.prototype, name, { value: fn });
  };
  alias('i', dv.getInt32);
  alias('I', dv.setInt32);
  alias('h', dv.getInt16);
  alias('H', dv.setInt16);
  alias('u', dv.getUint16);
  alias('f', dv.getFloat32);
  alias('F', dv.setFloat32);
  alias('d', dv.getFloat64);
  alias('D', dv.setFloat64);
}

// ---- Traps -----------------------------------------------------------------------

/** The RuntimeError for a trap; generated code writes `throw trap(code)`. */
export function trap(code: number): Error {
  const e = new RuntimeError(trapMessages[code as TrapCode]);
  // The stack starts at the wasm function that trapped, as native's, not here.
  captureStackTrace?.(e, trap);
  return e;
}

// ---- Scratch views for bit access ---------------------------------------------------

const scratch = new ArrayBuffer(8);
const F64 = new Float64Array(scratch);
const F32 = new Float32Array(scratch);
const I32 = new Int32Array(scratch);
// Index of the high word of F64[0] in I32 (1 on little-endian hosts).
const HW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LW = 1 - HW;

// ---- f32 / f64 bits ----------------------------------------------------------------------

/** The f32 with these bits, NaN payloads included (see the file header). */
export function f32FromBits(bits: number): number {
  if ((bits & 0x7f800000) !== 0x7f800000 || (bits & 0x7fffff) === 0) {
    I32[0] = bits;
    return F32[0];
  }
  // NaN: widen the payload the way float→double conversion does, without quieting it.
  I32[HW] = (bits & 0x80000000) | 0x7ff00000 | ((bits & 0x7fffff) >>> 3);
  I32[LW] = bits << 29;
  return F64[0];
}

/** The bits of an f32 value (a signed i32). */
export function f32ToBits(x: number): number {
  if (!Number.isNaN(x)) {
    F32[0] = x;
    return I32[0];
  }
  F64[0] = x;
  const hi = I32[HW];
  return (hi & 0x80000000) | 0x7f800000 | ((hi & 0xfffff) << 3) | (I32[LW] >>> 29);
}

/** The f64 with bits (lo, hi). */
export function f64FromBits(lo: number, hi: number): number {
  I32[LW] = lo;
  I32[HW] = hi;
  return F64[0];
}

/** The bits of an f64: returns lo, hi in HI[0]. */
export function f64ToBits(x: number): number {
  F64[0] = x;
  HI[0] = I32[HW];
  return I32[LW];
}

/**
 * f32.load: a DataView read that keeps NaN payloads (the DataView would quiet
 * a signalling NaN; its bits are widened here as in `f32FromBits`).
 *
 * V8 inlines these two into generated code. Their NaN paths have no calls (a
 * call in the inlined code would make V8 forget what it knows about the
 * memory's DataView, even on the path not taken) and run once when this module
 * loads (`warmUp`): a path V8 never saw run becomes a deoptimization exit in
 * the inlined code, and that keeps TurboFan from peeling the enclosing loop.
 */
export function loadF32(dv: DataView, ea: number): number {
  const v = dv.getFloat32(ea, true);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test in the least bytecode (V8's inlining budget)
  if (v === v) return v;
  const b = dv.getInt32(ea, true);
  I32[HW] = (b & -2147483648) | 0x7ff00000 | ((b & 0x7fffff) >>> 3);
  I32[LW] = b << 29;
  return F64[0];
}

/** f32.store: a DataView write that keeps NaN payloads (see `loadF32`). */
export function storeF32(dv: DataView, ea: number, v: number): void {
  // biome-ignore lint/suspicious/noSelfCompare: as in loadF32
  if (v === v) dv.setFloat32(ea, v, true);
  else {
    F64[0] = v;
    const h = I32[HW];
    dv.setInt32(ea, (h & -2147483648) | 0x7f800000 | ((h & 0xfffff) << 3) | (I32[LW] >>> 29), true);
  }
}

// ---- Float operations ------------------------------------------------------------------------

/** min with -0 < +0 and NaN propagation (a + b quiets a NaN operand). */
export function fmin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return a + b;
  return Math.min(a, b);
}

export function fmax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return a + b;
  return Math.max(a, b);
}

/** Round to nearest, ties to even; works for f32 and f64 (results are exact). */
export function fnearest(x: number): number {
  if (Number.isNaN(x)) return x + x;
  let r = Math.round(x); // ties toward +infinity, -0 kept
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return r;
}

// Math.ceil/floor/trunc return a signalling NaN operand unchanged; the spec wants it quiet.
export function fceil(x: number): number {
  return !Number.isNaN(x) ? Math.ceil(x) : x + x;
}

export function ffloor(x: number): number {
  return !Number.isNaN(x) ? Math.floor(x) : x + x;
}

export function ftrunc(x: number): number {
  return !Number.isNaN(x) ? Math.trunc(x) : x + x;
}

/** copysign must keep NaN payloads. */
export function fcopysign(a: number, b: number): number {
  F64[0] = b;
  const sign = I32[HW] & 0x80000000;
  F64[0] = a;
  I32[HW] = (I32[HW] & 0x7fffffff) | sign;
  return F64[0];
}

/** f64.promote_f32: the value is already a double; a NaN must come out quiet. */
export function fpromote(x: number): number {
  return !Number.isNaN(x) ? x : x + x;
}

// ---- i32 -----------------------------------------------------------------------------------------

export function i32Ctz(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function i32Popcnt(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** i32.trunc_f*_s; traps on NaN and out of range. */
export function i32TruncS(v: number): number {
  if (!(v > -2147483649 && v < 2147483648)) throw trap(TrapCode.invalidConversion);
  return v | 0;
}

export function i32TruncU(v: number): number {
  if (!(v > -1 && v < 4294967296)) throw trap(TrapCode.invalidConversion);
  return v | 0;
}

export function i32TruncSatS(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v <= -2147483648) return -2147483648;
  if (v >= 2147483647) return 2147483647;
  return v | 0;
}

export function i32TruncSatU(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 4294967295) return -1;
  return v | 0;
}

// ---- i64 on (lo, hi) pairs -----------------------------------------------------------------------

const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/** A double holding an integer of magnitude < 2^64 → (lo, hi) two's complement. */
function fromDouble(q: number): number {
  const hi = Math.floor(q / TWO32);
  HI[0] = hi | 0;
  return (q - hi * TWO32) | 0;
}

// |a| < 2^53 both: exact in doubles, and trunc(a / b) is exact (rounding error < 1/b).
function safeS(hi: number): boolean {
  return hi >= -0x200000 && hi < 0x200000;
}

/**
 * Unsigned 64-bit division of (ahi, alo) by (bhi, blo), all uint32 words,
 * without BigInt (BigInt division allocates, and took 64-bit modular
 * arithmetic an order of magnitude below native): quotient in `QR[Q_LO]`,
 * `QR[Q_HI]`, remainder in `QR[R_LO]`, `QR[R_HI]` (a typed array: module
 * variables would box each double). Doubles hold integers below 2^53 exactly; a
 * quotient's floor comes from a double division, corrected (`floorDiv`).
 */
const QR = new Float64Array(4);
const Q_LO = 0;
const Q_HI = 1;
const R_LO = 2;
const R_HI = 3;

function udivmod64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (bhi === 0) {
    // A 32-bit divisor: long division of the dividend in a 32-bit and two 16-bit digits.
    const qh = Math.floor(ahi / blo);
    const x1 = (ahi - qh * blo) * 65536 + (alo >>> 16);
    const q1 = floorDiv(x1, blo);
    const x2 = (x1 - q1 * blo) * 65536 + (alo & 0xffff);
    const q2 = floorDiv(x2, blo);
    QR[Q_HI] = qh;
    QR[Q_LO] = q1 * 65536 + q2;
    QR[R_LO] = x2 - q2 * blo;
    QR[R_HI] = 0;
    return;
  }
  // A divisor of 2^32 or more: the quotient is below 2^32. The double estimate
  // is within one of it; one less is never above it, and at most 2 below.
  let q = Math.floor((ahi * TWO32 + alo) / (bhi * TWO32 + blo)) - 1;
  if (q < 0) q = 0;
  // p = q * b (no more than a): q * blo exactly, in 16-bit halves of blo.
  const m1 = q * (blo & 0xffff);
  const m2 = q * (blo >>> 16);
  const m2hi = Math.floor(m2 / 65536);
  const t = m1 + (m2 - m2hi * 65536) * 65536;
  const carry = Math.floor(t / TWO32);
  const plo = t - carry * TWO32;
  const phi = (m2hi + carry + Math.imul(q, bhi)) >>> 0;
  // r = a - p, then the corrections while r >= b.
  let rlo = alo - plo;
  let rhi = ahi - phi;
  if (rlo < 0) {
    rlo += TWO32;
    rhi -= 1;
  }
  while (rhi > bhi || (rhi === bhi && rlo >= blo)) {
    rlo -= blo;
    rhi -= bhi;
    if (rlo < 0) {
      rlo += TWO32;
      rhi -= 1;
    }
    q++;
  }
  QR[Q_LO] = q;
  QR[Q_HI] = 0;
  QR[R_LO] = rlo;
  QR[R_HI] = rhi;
}

/**
 * floor(x / d) for integers x < 2^53, d > 0: the double quotient's floor,
 * corrected by one where rounding took it across an integer (a double `%`
 * is a call into C in V8, a division is one instruction).
 */
function floorDiv(x: number, d: number): number {
  let q = Math.floor(x / d);
  const r = x - q * d;
  if (r < 0) q--;
  else if (r >= d) q++;
  return q;
}

/** The magnitude of a signed (lo, hi) pair, as uint32 words in `M[0]` (low) and `M[1]` (2^63 for the minimum). */
const M = new Float64Array(2);

function magnitude(lo: number, hi: number): void {
  if (hi < 0) {
    M[0] = -lo >>> 0;
    M[1] = (lo === 0 ? -hi : ~hi) >>> 0;
  } else {
    M[0] = lo >>> 0;
    M[1] = hi >>> 0;
  }
}

/** (lo, hi) uint32 words as a signed pair, negated if `negate`: the low half returned, the high one in `HI[0]`. */
function signed64(lo: number, hi: number, negate: boolean): number {
  if (!negate) {
    HI[0] = hi | 0;
    return lo | 0;
  }
  HI[0] = (lo === 0 ? -hi : ~hi) | 0;
  return -lo | 0;
}

export function i64DivS(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) throw trap(TrapCode.divideByZero);
  if (ahi === -2147483648 && alo === 0 && blo === -1 && bhi === -1) throw trap(TrapCode.integerOverflow);
  if (safeS(ahi) && safeS(bhi)) {
    return fromDouble(Math.trunc((ahi * TWO32 + (alo >>> 0)) / (bhi * TWO32 + (blo >>> 0))));
  }
  magnitude(blo, bhi);
  const mblo = M[0];
  const mbhi = M[1];
  magnitude(alo, ahi);
  udivmod64(M[0], M[1], mblo, mbhi);
  return signed64(QR[Q_LO], QR[Q_HI], ahi < 0 !== bhi < 0);
}

export function i64RemS(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) throw trap(TrapCode.remainderByZero);
  if (safeS(ahi) && safeS(bhi)) {
    return fromDouble((ahi * TWO32 + (alo >>> 0)) % (bhi * TWO32 + (blo >>> 0)));
  }
  magnitude(blo, bhi);
  const mblo = M[0];
  const mbhi = M[1];
  magnitude(alo, ahi);
  udivmod64(M[0], M[1], mblo, mbhi);
  // The remainder has the dividend's sign.
  return signed64(QR[R_LO], QR[R_HI], ahi < 0);
}

export function i64DivU(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) throw trap(TrapCode.divideByZero);
  if (ahi >>> 0 < 0x200000 && bhi >>> 0 < 0x200000) {
    return fromDouble(Math.floor(((ahi >>> 0) * TWO32 + (alo >>> 0)) / ((bhi >>> 0) * TWO32 + (blo >>> 0))));
  }
  udivmod64(alo >>> 0, ahi >>> 0, blo >>> 0, bhi >>> 0);
  HI[0] = QR[Q_HI] | 0;
  return QR[Q_LO] | 0;
}

export function i64RemU(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) throw trap(TrapCode.remainderByZero);
  if (ahi >>> 0 < 0x200000 && bhi >>> 0 < 0x200000) {
    return fromDouble(((ahi >>> 0) * TWO32 + (alo >>> 0)) % ((bhi >>> 0) * TWO32 + (blo >>> 0)));
  }
  udivmod64(alo >>> 0, ahi >>> 0, blo >>> 0, bhi >>> 0);
  HI[0] = QR[R_HI] | 0;
  return QR[R_LO] | 0;
}

export function i64Shl(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    HI[0] = hi;
    return lo;
  }
  if (n < 32) {
    HI[0] = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  HI[0] = lo << (n - 32);
  return 0;
}

export function i64ShrS(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    HI[0] = hi;
    return lo;
  }
  if (n < 32) {
    HI[0] = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  HI[0] = hi >> 31;
  return hi >> (n - 32);
}

export function i64ShrU(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    HI[0] = hi;
    return lo;
  }
  if (n < 32) {
    HI[0] = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  HI[0] = 0;
  return (hi >>> (n - 32)) | 0;
}

export function i64Rotl(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
  }
  if (n === 0) {
    HI[0] = hi;
    return lo;
  }
  HI[0] = (hi << n) | (lo >>> (32 - n));
  return (lo << n) | (hi >>> (32 - n));
}

export function i64Rotr(lo: number, hi: number, n: number): number {
  return i64Rotl(lo, hi, 64 - (n & 63));
}

/** Bit counts return a small number; the emitter sets hi to 0. */
export function i64Clz(lo: number, hi: number): number {
  return hi === 0 ? 32 + Math.clz32(lo) : Math.clz32(hi);
}

export function i64Ctz(lo: number, hi: number): number {
  return lo === 0 ? 32 + i32Ctz(hi) : i32Ctz(lo);
}

export function i64Popcnt(lo: number, hi: number): number {
  return i32Popcnt(lo) + i32Popcnt(hi);
}

// ---- i64 ↔ float --------------------------------------------------------------------------------

/**
 * f32.convert_i64_u of a magnitude (lo, hi) taken unsigned: rounding to double
 * then to float could round twice, so below-double bits fold into a sticky bit.
 */
function u64ToF32(lo: number, hi: number): number {
  if (hi >>> 0 >= 0x200000 && (lo & 0x7ff) !== 0) lo = (lo & ~0x7ff) | 0x800;
  return Math.fround((hi >>> 0) * TWO32 + (lo >>> 0));
}

export function f32ConvertI64U(lo: number, hi: number): number {
  return u64ToF32(lo, hi);
}

export function f32ConvertI64S(lo: number, hi: number): number {
  if (hi >= 0) return u64ToF32(lo, hi);
  // Negate: two's complement of (lo, hi).
  const nlo = -lo | 0;
  const nhi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  return -u64ToF32(nlo, nhi);
}

/** i64.trunc_f*_s: traps on NaN and out of range. */
export function i64TruncS(v: number): number {
  if (!(v >= -TWO63 && v < TWO63)) throw trap(TrapCode.invalidConversion);
  return fromDouble(Math.trunc(v));
}

export function i64TruncU(v: number): number {
  if (!(v > -1 && v < TWO64)) throw trap(TrapCode.invalidConversion);
  return fromDouble(Math.trunc(v));
}

export function i64TruncSatS(v: number): number {
  if (Number.isNaN(v)) {
    HI[0] = 0;
    return 0;
  }
  if (v < -TWO63) {
    HI[0] = -2147483648;
    return 0;
  }
  if (v >= TWO63) {
    HI[0] = 2147483647;
    return -1;
  }
  return fromDouble(Math.trunc(v));
}

export function i64TruncSatU(v: number): number {
  if (!(v > -1)) {
    HI[0] = 0;
    return 0;
  }
  if (v >= TWO64) {
    HI[0] = -1;
    return -1;
  }
  return fromDouble(Math.trunc(v));
}

// ---- Memory ---------------------------------------------------------------------------------------

/** What memory.grow needs of a memory's internal state (`MEM{m}`, owned by the runtime). */
export interface GrowableMemory {
  /** Grow by `deltaPages` (a u32); the old size in pages, or -1. Refreshes every view first. */
  grow(deltaPages: number): number;
}

export function memoryGrow(mem: GrowableMemory, deltaPages: number): number {
  return mem.grow(deltaPages >>> 0);
}

export function memoryFill(u8: Uint8Array, len: number, d: number, value: number, n: number): void {
  d >>>= 0;
  n >>>= 0;
  if (d + n > len) throw trap(TrapCode.memoryOutOfBounds);
  if (n !== 0) fillBytes(u8, value & 0xff, d, d + n);
}

/** memory.copy within one memory or between two (then `src` is the source memory's bytes). */
export function memoryCopy(
  dst: Uint8Array,
  dstLen: number,
  src: Uint8Array,
  srcLen: number,
  d: number,
  s: number,
  n: number,
): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > dstLen || s + n > srcLen) throw trap(TrapCode.memoryOutOfBounds);
  if (n === 0) return;
  if (dst === src) copyWithin(dst, d, s, s + n);
  else setBytes(dst, subarray(src, s, s + n), d);
}

export function memoryInit(
  u8: Uint8Array,
  len: number,
  seg: Uint8Array,
  d: number,
  s: number,
  n: number,
): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > len || s + n > seg.length) throw trap(TrapCode.memoryOutOfBounds);
  if (n !== 0) setBytes(u8, subarray(seg, s, s + n), d);
}

const EMPTY_BYTES = new Uint8Array(0);

export function dataDrop(data: Uint8Array[], index: number): void {
  data[index] = EMPTY_BYTES;
}

// ---- Tables ------------------------------------------------------------------------------------------

// Defined beside the table it grows, which `WebAssembly.Table.prototype.grow` shares.
export { tableGrow } from './table.js';

export function tableFill(tbl: unknown[], i: number, value: unknown, n: number): void {
  i >>>= 0;
  n >>>= 0;
  if (i + n > tbl.length) throw trap(TrapCode.tableOutOfBounds);
  for (let k = 0; k < n; k++) tbl[i + k] = value;
}

export function tableCopy(dst: unknown[], src: unknown[], d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > dst.length || s + n > src.length) throw trap(TrapCode.tableOutOfBounds);
  if (dst === src && d > s) for (let k = n - 1; k >= 0; k--) dst[d + k] = src[s + k];
  else for (let k = 0; k < n; k++) dst[d + k] = src[s + k];
}

export function tableInit(tbl: unknown[], seg: unknown[], d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > tbl.length || s + n > seg.length) throw trap(TrapCode.tableOutOfBounds);
  for (let k = 0; k < n; k++) tbl[d + k] = seg[s + k];
}

const EMPTY_REFS: unknown[] = [];

export function elemDrop(elem: unknown[][], index: number): void {
  elem[index] = EMPTY_REFS;
}

/** call_indirect's checks; returns the callee's internal-convention function. */
export function tableFunc(tbl: unknown[], i: number, sig: number): FuncRef['fn'] {
  i >>>= 0;
  if (i >= tbl.length) throw trap(TrapCode.undefinedElement);
  const ref = tbl[i] as FuncRef | null;
  if (ref === null) throw trap(TrapCode.nullFunction);
  if (ref.sig !== sig) throw trap(TrapCode.signatureMismatch);
  return ref.fn;
}

/** Runs the NaN paths of `loadF32` and `storeF32` so that V8 has type feedback for them. */
function warmUp(): void {
  // A MemoryView, as in generated code: the helpers see one kind of receiver.
  const dv = new MemoryView(new ArrayBuffer(8));
  for (let i = 0; i < 32; i++) {
    dv.setInt32(0, 0x7fa00001 + i, true); // a signalling NaN
    storeF32(dv, 4, loadF32(dv, 0));
    storeF32(dv, 0, 1.5);
    storeF32(dv, 4, loadF32(dv, 0));
  }
}
warmUp();

// ---- Tail calls ---------------------------------------------------------------------------------

/**
 * Tail calls with a constant JS stack (a trampoline). A function with
 * `return_call` sites is emitted as its body `f{i}$t` and a driver `f{i}`
 * (`f{i}.t` is the body): a tail call stores its callee and arguments and
 * returns `TAIL` to the driver below it, which makes the call. The callee's
 * body is called when it has one, so mutual tail recursion runs in one
 * driver's loop. Ordinary calls are untouched.
 */
export const TAIL: object = Object.freeze({ tailCall: true });
let tailFn: ((...args: unknown[]) => unknown) | null = null;
let tailArgs: unknown[] = [];

/** At a `return_call`: the call to make once this frame has returned. */
export function tailCall(
  fn: ((...args: unknown[]) => unknown) & { t?: (...args: unknown[]) => unknown },
  args: unknown[],
): object {
  tailFn = fn.t ?? fn;
  tailArgs = args;
  return TAIL;
}

/** In a driver: makes the pending tail call. */
export function tailNext(): unknown {
  const fn = tailFn!;
  const args = tailArgs;
  tailFn = null;
  return fn.apply(null, args);
}
