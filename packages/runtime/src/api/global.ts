/**
 * `WebAssembly.Global`: the JS API object of a `WasmGlobal`, one per global
 * (`globalObject` caches it on the global).
 */
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, isRef, V128 } from '@wasmloom/binary';
import { toWasmValue } from '../functions.js';
import { WasmGlobal } from '../global.js';
import { Object } from '../intrinsics.js';
import { defineInterface, dictionary, enumValue } from './webidl.js';

const internals = new WeakMap<object, WasmGlobal>();

function internal(self: unknown, what: string): WasmGlobal {
  const g = internals.get(self as object);
  if (g === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Global`);
  return g;
}

/** The JS API's `ValueType` enumeration (`anyfunc` is funcref). */
export const VALUE_TYPE_NAMES = ['i32', 'i64', 'f32', 'f64', 'v128', 'externref', 'anyfunc'] as const;
export type ValueTypeName = (typeof VALUE_TYPE_NAMES)[number];

const valueTypes: Record<ValueTypeName, number> = {
  i32: I32,
  i64: I64,
  f32: F32,
  f64: F64,
  v128: V128,
  externref: EXTERNREF,
  anyfunc: FUNCREF,
};

/** ToValueType: a `ValueType` argument (ToString, then the enumeration) as a value type. */
export function toValueType(v: unknown, what: string): number {
  return valueTypes[enumValue(v, VALUE_TYPE_NAMES, what)];
}

/** DefaultValue(type) of the JS API, as an internal value (i64: BigInt; externref: undefined). */
export function defaultValue(t: number): unknown {
  if (t === I64) return 0n;
  if (t === EXTERNREF) return undefined;
  if (isRef(t)) return null;
  return 0;
}

export class Global {
  /**
   * `descriptor.mutable` is read (ToBoolean) before `descriptor.value` (the
   * dictionary's members in order); a missing or undefined `v` is the type's
   * default value (externref: undefined).
   */
  constructor(descriptor: unknown, v?: unknown) {
    const d = dictionary(descriptor, 'WebAssembly.Global(): Argument 0');
    const mutable = Boolean(d.mutable);
    const valueV = d.value;
    if (valueV === undefined)
      throw new TypeError("WebAssembly.Global(): Descriptor property 'value' is required");
    const type = toValueType(valueV, "WebAssembly.Global(): Descriptor property 'value'");
    if (type === V128) throw new TypeError('WebAssembly.Global(): a v128 global cannot be created from JS');
    const g = new WasmGlobal(type, mutable);
    g.setInternal(v === undefined ? defaultValue(type) : toWasmValue(v, type));
    g.api = this;
    internals.set(this, g);
  }

  // biome-ignore lint/suspicious/noExplicitAny: see `value`
  valueOf(): any {
    return internal(this, 'WebAssembly.Global.valueOf()').getJS();
  }

  // biome-ignore lint/suspicious/noExplicitAny: the value's type depends on the global's (lib.dom types it so)
  get value(): any {
    return internal(this, 'get WebAssembly.Global.value').getJS();
  }

  // biome-ignore lint/suspicious/noExplicitAny: see the getter
  set value(v: any) {
    // biome-ignore lint/complexity/noArguments: Web IDL: a setter called with no argument is a TypeError
    if (arguments.length === 0) throw new TypeError('set WebAssembly.Global.value: Argument 0 is required');
    const g = internal(this, 'set WebAssembly.Global.value');
    if (!g.mutable)
      throw new TypeError("set WebAssembly.Global.value: Can't set the value of an immutable global.");
    g.setJS(v);
  }
}
defineInterface(Global, 'WebAssembly.Global', 1);

/** The global behind a `WebAssembly.Global`, or undefined for any other value. */
export function globalOf(v: unknown): WasmGlobal | undefined {
  return typeof v === 'object' && v !== null ? internals.get(v) : undefined;
}

/** The `WebAssembly.Global` of a global, created on first use. */
export function globalObject(g: WasmGlobal): Global {
  if (g.api === null) {
    const obj = Object.create(Global.prototype) as Global;
    internals.set(obj, g);
    g.api = obj;
  }
  return g.api as Global;
}
