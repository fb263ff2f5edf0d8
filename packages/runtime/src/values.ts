/**
 * Numeric values at the JS boundary (ToWebAssemblyValue / ToJSValue for the
 * number types) and the process-wide result registers of the calling
 * convention. Reference conversions live in `functions.ts`, next to the
 * exported-function registry they need.
 *
 * i64 is a pair of signed 32-bit numbers inside wasm code (abi.ts) and a BigInt
 * outside; `ToBigInt64` is `BigInt.asIntN(64, v)`, which performs ToBigInt
 * itself (TypeError for Numbers, undefined, null and Symbols, SyntaxError for
 * unparsable strings), exactly as the JS API wants.
 */
import { F32, F64, I32, I64, isRef, V128, valTypeName } from '@wasmloom/binary';
import { BigInt, Number } from './intrinsics.js';

/**
 * `HI[0]` (high half of a single i64 result) and `RV` (multi-value results)
 * are process-wide, defined by helpers.ts: every instance binds the same two,
 * so a wasm function imported from another instance is called directly and
 * its results land where the caller reads them.
 */
export { HI, RV } from './helpers.js';

export function toBigInt64(v: unknown): bigint {
  return BigInt.asIntN(64, v as bigint);
}

/** Low signed 32 bits of a BigInt. */
export function bigLo(b: bigint): number {
  return Number(BigInt.asIntN(32, b));
}

/** Bits 32..63 of a BigInt as a signed 32-bit number. */
export function bigHi(b: bigint): number {
  return Number(BigInt.asIntN(32, b >> 32n));
}

/** The i64 pair (lo, hi) as a signed BigInt. */
export function pairToBigInt(lo: number, hi: number): bigint {
  // Exact in doubles while |value| < 2^53.
  if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * 4294967296 + (lo >>> 0));
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

export function isNumericType(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

/** Web IDL / JS API type names as used in descriptors and messages. */
export function typeName(t: number): string {
  return valTypeName(t);
}

/** Throws the TypeError the JS API requires for types that cannot cross the boundary. */
export function assertJSCompatible(t: number): void {
  if (t === V128) throw new TypeError('type incompatibility when transforming from/to JS');
  if (!isNumericType(t) && !isRef(t)) throw new TypeError(`cannot convert ${valTypeName(t)} to or from JS`);
}
