/**
 * Calling an exported function with exact bits: the hook test runners use
 * (`Symbol.for('wasmloom.invokeRaw')` on a namespace) where JS numbers would
 * lose information. A signalling NaN does not survive the trip through a JS
 * Number argument on x86 (float → double quiets it), so the normal export
 * wrapper cannot pass one in; this path hands the internal values straight to
 * the internal function and reads its results back as bits.
 *
 * v128 is not supported until its internal representation is fixed in abi.ts.
 */
import { F32, F64, I32, I64, V128 } from '@wasmloom/binary';
import { funcRecordOf, toJSValue, toWasmValue } from './functions.js';
import { f32FromBits, f32ToBits, f64FromBits, f64ToBits, HI, RV } from './helpers.js';
import { BigInt, Number, push } from './intrinsics.js';
import { sigType } from './signatures.js';
import { bigHi, bigLo } from './values.js';

/** A value by its bits: i32/f32 `bits` a u32 number, i64/f64 a u64 bigint; references in `ref`. */
export interface RawValue {
  type: string;
  bits?: number | bigint;
  bytes?: Uint8Array;
  ref?: unknown;
}

const typeNames: Record<number, string> = { [I32]: 'i32', [I64]: 'i64', [F32]: 'f32', [F64]: 'f64' };

function rawOut(t: number, lo: unknown, hi: number): RawValue {
  switch (t) {
    case I32:
      return { type: 'i32', bits: (lo as number) >>> 0 };
    case I64:
      return { type: 'i64', bits: BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt((lo as number) >>> 0)) };
    case F32:
      return { type: 'f32', bits: f32ToBits(lo as number) >>> 0 };
    case F64: {
      const l = f64ToBits(lo as number);
      return { type: 'f64', bits: BigInt.asUintN(64, (BigInt(HI[0]) << 32n) | BigInt(l >>> 0)) };
    }
  }
  return { type: typeNames[t] ?? 'ref', ref: toJSValue(lo, t) };
}

/**
 * Calls wasm exported function `func` with exact argument values and returns
 * its results as exact values. `_resultTypes` is ignored: the function's own
 * type says what it returns.
 */
export function invokeRaw(
  func: unknown,
  args: readonly RawValue[],
  _resultTypes?: readonly string[],
): RawValue[] {
  const rec = funcRecordOf(func);
  if (rec === undefined) throw new TypeError('invokeRaw: not a WebAssembly exported function');
  const { params, results } = sigType(rec.sig);
  if (params.includes(V128) || results.includes(V128))
    throw new TypeError('invokeRaw: v128 is not supported yet');
  // Generic elements from the start: an array holding only doubles would
  // canonicalize NaNs (V8 double arrays keep no payloads of signalling NaNs).
  const internal: unknown[] = [null];
  internal.length = 0;
  params.forEach((t, i) => {
    const a = args[i];
    switch (t) {
      case I32:
        push(internal, Number(a.bits) | 0);
        break;
      case I64: {
        const b = BigInt.asIntN(64, BigInt(a.bits as bigint));
        push(internal, bigLo(b), bigHi(b));
        break;
      }
      case F32:
        push(internal, f32FromBits(Number(a.bits) | 0));
        break;
      case F64: {
        const b = BigInt.asUintN(64, BigInt(a.bits as bigint));
        push(internal, f64FromBits(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))));
        break;
      }
      default:
        push(internal, toWasmValue(a.ref, t));
    }
  });
  const r = (rec.fn as (...a: unknown[]) => unknown)(...internal);
  if (results.length === 0) return [];
  if (results.length === 1) return [rawOut(results[0], r, HI[0])];
  // Copy RV first: converting an f64 result uses HI.
  const slots = RV.slice();
  const out: RawValue[] = [];
  let k = 0;
  for (const t of results) {
    if (t === I64) {
      push(out, rawOut(t, slots[k], slots[k + 1] as number));
      k += 2;
    } else {
      push(out, rawOut(t, slots[k], 0));
      k += 1;
    }
  }
  return out;
}
