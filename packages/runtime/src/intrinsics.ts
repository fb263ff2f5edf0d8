/**
 * The built-ins the runtime and generated code use, captured once when the
 * runtime loads, so page code that later replaces `Math.trunc`,
 * `Uint8Array`, `BigInt.asIntN` or `Array.prototype.push` changes nothing in
 * wasm, as with native WebAssembly. Runtime files import them under the
 * globals' own names (their code reads as usual); the factory declares them
 * for generated code (helpers.ts re-exports them). Prototype methods come
 * uncurried: `push(array, value)`.
 */

const G = globalThis;
const bind = G.Function.prototype.bind;
const call = G.Function.prototype.call;
const freeze = G.Object.freeze;
const ownKeys = G.Reflect.ownKeys;
const getOwn = G.Reflect.getOwnPropertyDescriptor;
const defineProperty = G.Object.defineProperty;

/** `fn` as a function taking its `this` first: `uncurry(push)(a, v)` is `a.push(v)` with the `push` of now. */
const uncurry = bind.bind(call) as <A extends unknown[], R>(
  fn: (...args: A) => R,
) => (self: unknown, ...args: A) => R;

/** The data properties of `from` (functions and constants, as they are now) copied onto `to`, frozen. */
function copyStatics<T extends object>(from: object, to: T): T {
  for (const key of ownKeys(from)) {
    const d = getOwn(from, key);
    if (d !== undefined && 'value' in d && getOwn(to, key) === undefined) {
      defineProperty(to, key, { value: d.value });
    }
  }
  return freeze(to);
}

const mathCopy = copyStatics(G.Math, {}) as Math;
const objectCopy = copyStatics(G.Object, {}) as ObjectConstructor;
const reflectCopy = copyStatics(G.Reflect, {}) as typeof Reflect;

const nativeNumber = G.Number;
const nativeBigInt = G.BigInt;
/** `Number(v)` and `Number.isNaN` … of now. */
const numberCopy = copyStatics(nativeNumber, function Number(v?: unknown) {
  return nativeNumber(v);
}) as unknown as NumberConstructor;
/** `BigInt(v)`, `BigInt.asIntN`, `BigInt.asUintN` of now. */
const bigIntCopy = copyStatics(nativeBigInt, function BigInt(v: string | number | bigint | boolean) {
  return nativeBigInt(v);
}) as unknown as BigIntConstructor;

export {
  bigIntCopy as BigInt,
  mathCopy as Math,
  numberCopy as Number,
  objectCopy as Object,
  reflectCopy as Reflect,
};

// Constructors: `new Uint8Array(b)` of now. Their statics are not used.
const U8 = G.Uint8Array;
const I32 = G.Int32Array;
const F32 = G.Float32Array;
const F64 = G.Float64Array;
const U16 = G.Uint16Array;
const DV = G.DataView;
const AB = G.ArrayBuffer;
const Fn = G.Function;
/** Missing where threads are off (a page without cross-origin isolation). */
const SAB = G.SharedArrayBuffer;
const clone = G.structuredClone;

export {
  AB as ArrayBuffer,
  clone as structuredClone,
  DV as DataView,
  F32 as Float32Array,
  F64 as Float64Array,
  Fn as Function,
  I32 as Int32Array,
  SAB as SharedArrayBuffer,
  U8 as Uint8Array,
  U16 as Uint16Array,
};

const typedArray = G.Object.getPrototypeOf(G.Uint8Array.prototype) as Uint8Array;
/** `array.push(value)`. */
export const push = uncurry(G.Array.prototype.push) as (array: unknown[], ...values: unknown[]) => number;
/** `u8.fill(value, start, end)`. */
export const fillBytes = uncurry(typedArray.fill) as (
  u8: Uint8Array,
  value: number,
  start: number,
  end: number,
) => Uint8Array;
/** `dst.set(src, at)`. */
export const setBytes = uncurry(typedArray.set) as (
  dst: Uint8Array,
  src: ArrayLike<number>,
  at?: number,
) => void;
const bufferOf = uncurry(getOwn(typedArray, 'buffer')!.get!) as (u8: Uint8Array) => ArrayBufferLike;
const byteOffsetOf = uncurry(getOwn(typedArray, 'byteOffset')!.get!) as (u8: Uint8Array) => number;
/** `u8.subarray(start, end)`, without its species lookup (`u8.constructor` is the page's to change). */
export function subarray(u8: Uint8Array, start: number, end: number): Uint8Array {
  return new U8(bufferOf(u8), byteOffsetOf(u8) + start, end - start);
}
/** `u8.copyWithin(target, start, end)`. */
export const copyWithin = uncurry(typedArray.copyWithin) as (
  u8: Uint8Array,
  target: number,
  start: number,
  end: number,
) => Uint8Array;

/** `Reflect.apply` of now. */
export const apply = G.Reflect.apply;

/** `fn.bind(self)` with the `bind` of now. */
export const bindThis = uncurry(bind) as (fn: unknown, self: unknown) => (...args: unknown[]) => unknown;

/** V8's `Error.captureStackTrace`, where there is one. */
export const captureStackTrace = (G.Error as { captureStackTrace?: (e: object, above: unknown) => void })
  .captureStackTrace;
