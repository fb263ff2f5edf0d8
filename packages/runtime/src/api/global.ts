/**
 * `WebAssembly.Global`: the JS API object of a `WasmGlobal`, one per global
 * (`globalObject` caches it on the global).
 */
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, isRef, V128 } from '@wasmloom/binary';
import { toWasmValue } from '../functions.js';
import { WasmGlobal } from '../global.js';
import { defineInterface, dictionary } from './webidl.js';

const internals = new WeakMap<object, WasmGlobal>();

function internal(self: unknown, what: string): WasmGlobal {
  const g = internals.get(self as object);
  if (g === undefined)
    throw new TypeError(`WebAssembly.Global.${what}: Receiver is not a WebAssembly.Global`);
  return g;
}

/** The value type a descriptor's `value` names, or undefined. */
export function globalValueType(name: string): number | undefined {
  switch (name) {
    case 'i32':
      return I32;
    case 'i64':
      return I64;
    case 'f32':
      return F32;
    case 'f64':
      return F64;
    case 'v128':
      return V128;
    case 'externref':
      return EXTERNREF;
    case 'anyfunc':
    case 'funcref':
      return FUNCREF;
  }
  return undefined;
}

/** DefaultValue(type) of the JS API, as an internal value (i64: BigInt). */
export function defaultValue(t: number): unknown {
  if (t === I64) return 0n;
  if (t === EXTERNREF) return undefined;
  if (isRef(t)) return null;
  return 0;
}

export class Global {
  constructor(descriptor: unknown, v?: unknown) {
    const d = dictionary(descriptor, 'WebAssembly.Global(): Argument 0');
    const mutable = Boolean(d.mutable);
    const valueV = d.value;
    const type = valueV === undefined ? undefined : globalValueType(String(valueV));
    if (type === undefined || type === V128) {
      throw new TypeError("WebAssembly.Global(): Descriptor property 'value' must be a WebAssembly type");
    }
    const g = new WasmGlobal(type, mutable);
    g.setInternal(v === undefined ? defaultValue(type) : toWasmValue(v, type));
    g.api = this;
    internals.set(this, g);
  }

  get value(): unknown {
    return internal(this, 'value').getJS();
  }

  set value(v: unknown) {
    const g = internal(this, 'value');
    if (!g.mutable)
      throw new TypeError("set WebAssembly.Global.value: Can't set the value of an immutable global.");
    g.setJS(v);
  }

  valueOf(): unknown {
    return internal(this, 'valueOf()').getJS();
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
