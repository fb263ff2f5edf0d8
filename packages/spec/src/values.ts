/**
 * Values of the wast2json scripts: parsing arguments into JS values (or exact
 * raw values for the raw-invoke hook) and comparing results bit for bit.
 *
 * JSON encoding (wabt): i32/i64/f32/f64 are unsigned decimal strings of the
 * bits; f32/f64 may also be `nan:canonical` / `nan:arithmetic`; v128 has a
 * `lane_type` and one string per lane; reference values are `null` or (for
 * externref) a number naming a host object.
 */

/** One value as a script's JSON writes it. `value` is absent when only the type matters. */
export interface JsonValue {
  type: string;
  value?: string | string[];
  lane_type?: string;
}

/**
 * A wasm value by its exact bits, as the raw-invoke hook exchanges them.
 * i32/f32: `bits` is the u32 as a number; i64/f64: `bits` is the u64 as a bigint;
 * v128: `bytes` holds the 16 bytes, lane 0 first (little-endian);
 * references (`funcref`, `externref`, ...): `ref` is the value as JS sees it (null for ref.null).
 */
export interface RawValue {
  type: string;
  bits?: number | bigint;
  bytes?: Uint8Array;
  ref?: unknown;
}

/**
 * The optional hook a namespace may expose under `Symbol.for('wasmloom.invokeRaw')`:
 * call an exported function with exact argument bits and return its results as
 * exact bits (no JS number conversions, so NaN payloads and v128 survive).
 * `resultTypes` is what the script expects; an engine that knows the function's
 * type may ignore it.
 */
export type InvokeRaw = (func: unknown, args: RawValue[], resultTypes: string[]) => RawValue[];

export const INVOKE_RAW: unique symbol = Symbol.for('wasmloom.invokeRaw') as never;

// ---- Bits <-> floats ----------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

export function f32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0, true);
  return scratch.getFloat32(0, true);
}

export function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return scratch.getFloat64(0, true);
}

/** The f32 bits of a JS number (rounded to f32 first, as a wasm f32 result arrives in JS). */
export function f32Bits(x: number): number {
  scratch.setFloat32(0, Math.fround(x), true);
  return scratch.getUint32(0, true);
}

export function f64Bits(x: number): bigint {
  scratch.setFloat64(0, x, true);
  return scratch.getBigUint64(0, true);
}

// ---- NaN classes ------------------------------------------------------------------

export type NanKind = 'nan:canonical' | 'nan:arithmetic';

export function isNanPattern(s: unknown): s is NanKind {
  return s === 'nan:canonical' || s === 'nan:arithmetic';
}

/** Whether f32 bits are a NaN of the given class. */
export function f32BitsMatchNan(bits: number, kind: NanKind): boolean {
  const abs = bits & 0x7fffffff;
  if (kind === 'nan:canonical') return abs === 0x7fc00000;
  return (abs & 0x7fc00000) === 0x7fc00000;
}

export function f64BitsMatchNan(bits: bigint, kind: NanKind): boolean {
  const abs = bits & 0x7fffffffffffffffn;
  if (kind === 'nan:canonical') return abs === 0x7ff8000000000000n;
  return (abs & 0x7ff8000000000000n) === 0x7ff8000000000000n;
}

// ---- Host references ----------------------------------------------------------------

/**
 * Host objects standing for the numbers of `externref` values: the same number
 * always gives the same object, different numbers give distinct objects.
 */
export class HostRefs {
  private readonly objects = new Map<string, object>();

  get(n: string): object {
    let o = this.objects.get(n);
    if (o === undefined) {
      o = Object.freeze({ externref: Number(n) });
      this.objects.set(n, o);
    }
    return o;
  }
}

// ---- Arguments ------------------------------------------------------------------------

export const REF_TYPES = new Set([
  'funcref',
  'externref',
  'exnref',
  'anyref',
  'eqref',
  'i31ref',
  'structref',
  'arrayref',
  'nullref',
  'nullfuncref',
  'nullexternref',
  'nullexnref',
]);

export class UnsupportedValue extends Error {
  override name = 'UnsupportedValue';
}

function scalar(v: JsonValue): string {
  if (typeof v.value !== 'string') throw new UnsupportedValue(`${v.type} value missing`);
  return v.value;
}

/** A reference value from its JSON: `null` → null, externref numbers → host objects. */
function refValue(v: JsonValue, refs: HostRefs): unknown {
  const s = scalar(v);
  if (s === 'null') return null;
  if (v.type === 'externref' || v.type === 'anyref') return refs.get(s);
  throw new UnsupportedValue(`${v.type} value ${s} cannot be made by the host`);
}

/** The JS value passed for an argument (the JS API's ToJSValue inverse). */
export function toJsArg(v: JsonValue, refs: HostRefs): unknown {
  switch (v.type) {
    case 'i32':
      return Number(scalar(v)) | 0;
    case 'i64':
      return BigInt.asIntN(64, BigInt(scalar(v)));
    case 'f32':
      return f32FromBits(Number(scalar(v)));
    case 'f64':
      return f64FromBits(BigInt(scalar(v)));
    case 'v128':
      throw new UnsupportedValue('v128 cannot cross the JS boundary');
  }
  if (REF_TYPES.has(v.type)) return refValue(v, refs);
  throw new UnsupportedValue(`unknown value type ${v.type}`);
}

const laneBytes: Record<string, number> = { i8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 };

/** The 16 bytes of a v128 given by lanes. */
export function v128Bytes(v: JsonValue): Uint8Array {
  const lanes = v.value;
  const lt = v.lane_type ?? '';
  const size = laneBytes[lt];
  if (!Array.isArray(lanes) || size === undefined || lanes.length * size !== 16) {
    throw new UnsupportedValue(`malformed v128 value (${lt} × ${Array.isArray(lanes) ? lanes.length : '?'})`);
  }
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  lanes.forEach((s, i) => {
    if (isNanPattern(s)) throw new UnsupportedValue('NaN pattern in a v128 argument');
    const n = BigInt(s);
    switch (size) {
      case 1:
        view.setUint8(i, Number(BigInt.asUintN(8, n)));
        break;
      case 2:
        view.setUint16(i * 2, Number(BigInt.asUintN(16, n)), true);
        break;
      case 4:
        view.setUint32(i * 4, Number(BigInt.asUintN(32, n)), true);
        break;
      default:
        view.setBigUint64(i * 8, BigInt.asUintN(64, n), true);
    }
  });
  return out;
}

/** The exact raw value of an argument, for the raw-invoke hook. */
export function toRawArg(v: JsonValue, refs: HostRefs): RawValue {
  switch (v.type) {
    case 'i32':
    case 'f32':
      return { type: v.type, bits: Number(BigInt.asUintN(32, BigInt(scalar(v)))) };
    case 'i64':
    case 'f64':
      return { type: v.type, bits: BigInt.asUintN(64, BigInt(scalar(v))) };
    case 'v128':
      return { type: 'v128', bytes: v128Bytes(v) };
  }
  if (REF_TYPES.has(v.type)) return { type: v.type, ref: refValue(v, refs) };
  throw new UnsupportedValue(`unknown value type ${v.type}`);
}

// ---- Comparing results ------------------------------------------------------------------

function show(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'function') return `function ${(x as { name?: string }).name ?? ''}`;
  if (typeof x === 'object' && x !== null) {
    try {
      return JSON.stringify(x) ?? String(x);
    } catch {
      return Object.prototype.toString.call(x);
    }
  }
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

function hex(n: number | bigint, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/** A reference result against its expectation: `null`, a host object, or (no value) any non-null. */
function matchRef(expected: JsonValue, actual: unknown, refs: HostRefs): string | null {
  if (expected.value === undefined) {
    return actual === null || actual === undefined
      ? `expected a non-null ${expected.type}, got ${show(actual)}`
      : null;
  }
  const s = scalar(expected);
  if (s === 'null') return actual === null ? null : `expected ref.null, got ${show(actual)}`;
  if (expected.type === 'funcref') {
    return typeof actual === 'function' ? null : `expected a function, got ${show(actual)}`;
  }
  const want = refs.get(s);
  return actual === want ? null : `expected host ref ${s}, got ${show(actual)}`;
}

/**
 * Compares one result received through JS with its expectation. Returns null when
 * it matches, else a reason. NaN patterns only check "is a NaN": JS cannot tell
 * canonical from arithmetic NaNs reliably.
 */
export function matchJsValue(expected: JsonValue, actual: unknown, refs: HostRefs): string | null {
  switch (expected.type) {
    case 'i32': {
      if (typeof actual !== 'number' || (actual | 0) !== actual)
        return `expected an i32 number, got ${show(actual)}`;
      if (expected.value === undefined) return null;
      const want = Number(scalar(expected)) | 0;
      return actual === want ? null : `expected ${want}, got ${actual}`;
    }
    case 'i64': {
      if (typeof actual !== 'bigint') return `expected an i64 BigInt, got ${show(actual)}`;
      if (expected.value === undefined) return null;
      const want = BigInt.asIntN(64, BigInt(scalar(expected)));
      return actual === want ? null : `expected ${want}n, got ${actual}n`;
    }
    case 'f32': {
      if (typeof actual !== 'number') return `expected an f32 number, got ${show(actual)}`;
      if (expected.value === undefined) return null;
      const s = scalar(expected);
      if (isNanPattern(s)) return Number.isNaN(actual) ? null : `expected ${s}, got ${show(actual)}`;
      const want = Number(s) >>> 0;
      const got = f32Bits(actual);
      return got === want
        ? null
        : `expected ${show(f32FromBits(want))} (${hex(want, 8)}), got ${show(actual)} (${hex(got, 8)})`;
    }
    case 'f64': {
      if (typeof actual !== 'number') return `expected an f64 number, got ${show(actual)}`;
      if (expected.value === undefined) return null;
      const s = scalar(expected);
      if (isNanPattern(s)) return Number.isNaN(actual) ? null : `expected ${s}, got ${show(actual)}`;
      const want = BigInt.asUintN(64, BigInt(s));
      const got = f64Bits(actual);
      return got === want
        ? null
        : `expected ${show(f64FromBits(want))} (${hex(want, 16)}), got ${show(actual)} (${hex(got, 16)})`;
    }
    case 'v128':
      return 'v128 cannot cross the JS boundary';
  }
  if (REF_TYPES.has(expected.type)) return matchRef(expected, actual, refs);
  return `unknown value type ${expected.type}`;
}

/** Compares one v128 (16 bytes) with lanes that may hold NaN patterns. */
export function matchV128(expected: JsonValue, bytes: Uint8Array): string | null {
  if (expected.value === undefined) return null;
  const lanes = expected.value;
  const lt = expected.lane_type ?? '';
  const size = laneBytes[lt];
  if (!Array.isArray(lanes) || size === undefined || lanes.length * size !== 16)
    return 'malformed v128 expectation';
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const bad: number[] = [];
  lanes.forEach((s, i) => {
    let ok: boolean;
    if (lt === 'f32') {
      const bits = view.getUint32(i * 4, true);
      ok = isNanPattern(s) ? f32BitsMatchNan(bits, s) : bits === Number(s) >>> 0;
    } else if (lt === 'f64') {
      const bits = view.getBigUint64(i * 8, true);
      ok = isNanPattern(s) ? f64BitsMatchNan(bits, s) : bits === BigInt.asUintN(64, BigInt(s));
    } else {
      const n = BigInt.asUintN(size * 8, BigInt(s));
      let got: bigint;
      if (size === 1) got = BigInt(view.getUint8(i));
      else if (size === 2) got = BigInt(view.getUint16(i * 2, true));
      else if (size === 4) got = BigInt(view.getUint32(i * 4, true));
      else got = view.getBigUint64(i * 8, true);
      ok = got === n;
    }
    if (!ok) bad.push(i);
  });
  if (bad.length === 0) return null;
  const got = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `v128 lanes ${bad.join(',')} differ: expected ${lt} [${lanes.join(' ')}], got bytes [${got}]`;
}

/** Compares one raw result (from the hook) with its expectation, bit for bit. */
export function matchRawValue(expected: JsonValue, actual: RawValue, refs: HostRefs): string | null {
  if (actual === null || typeof actual !== 'object') return `hook returned ${show(actual)}, not a raw value`;
  if (REF_TYPES.has(expected.type)) return matchRef(expected, actual.ref, refs);
  if (actual.type !== expected.type) return `expected a ${expected.type}, got a ${actual.type}`;
  if (expected.type === 'v128') {
    if (!(actual.bytes instanceof Uint8Array) || actual.bytes.length !== 16)
      return 'v128 result without 16 bytes';
    return matchV128(expected, actual.bytes);
  }
  if (expected.value === undefined) return null;
  const s = scalar(expected);
  switch (expected.type) {
    case 'i32':
    case 'f32': {
      const got = Number(actual.bits) >>> 0;
      if (isNanPattern(s)) {
        return expected.type === 'f32' && f32BitsMatchNan(got, s)
          ? null
          : `expected ${s}, got ${hex(got, 8)}`;
      }
      const want = Number(s) >>> 0;
      return got === want ? null : `expected ${hex(want, 8)}, got ${hex(got, 8)}`;
    }
    case 'i64':
    case 'f64': {
      const got = BigInt.asUintN(64, BigInt(actual.bits ?? -1));
      if (isNanPattern(s)) {
        return expected.type === 'f64' && f64BitsMatchNan(got, s)
          ? null
          : `expected ${s}, got ${hex(got, 16)}`;
      }
      const want = BigInt.asUintN(64, BigInt(s));
      return got === want ? null : `expected ${hex(want, 16)}, got ${hex(got, 16)}`;
    }
  }
  return `unknown value type ${expected.type}`;
}

/** Whether any value needs the exact path (a v128 anywhere). */
export function needsRaw(values: readonly JsonValue[]): boolean {
  return values.some((v) => v.type === 'v128');
}
