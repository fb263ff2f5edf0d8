/**
 * `WebAssembly.Table`: the JS API object of a `WasmTable`, one per table
 * (`tableObject` caches it on the table).
 */
import { EXTERNREF, FUNCREF } from '@wasmloom/binary';
import { toJSValue, toWasmValue } from '../functions.js';
import { MAX_TABLE_SIZE, WasmTable } from '../table.js';
import { defaultValue } from './global.js';
import { defineInterface, dictionary, enforceRangeU32 } from './webidl.js';

const internals = new WeakMap<object, WasmTable>();

function internal(self: unknown, what: string): WasmTable {
  const table = internals.get(self as object);
  if (table === undefined)
    throw new TypeError(`WebAssembly.Table.${what}: Receiver is not a WebAssembly.Table`);
  return table;
}

/** The element type named by a descriptor's `element`, or undefined. */
export function tableElementType(name: string): number | undefined {
  if (name === 'anyfunc' || name === 'funcref') return FUNCREF;
  if (name === 'externref') return EXTERNREF;
  return undefined;
}

/** An initial/fill value argument: missing (undefined) → DefaultValue, else ToWebAssemblyValue. */
function refArg(v: unknown, type: number, what: string): unknown {
  if (v === undefined) return defaultValue(type);
  try {
    return toWasmValue(v, type);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`${what} is invalid for table: ${e.message}`);
    throw e;
  }
}

export class Table {
  constructor(descriptor: unknown, value?: unknown) {
    const d = dictionary(descriptor, 'WebAssembly.Table(): Argument 0');
    const elementV = d.element;
    if (elementV === undefined) throw new TypeError("WebAssembly.Table(): Property 'element' is required");
    const type = tableElementType(String(elementV));
    const initialV = d.initial;
    if (initialV === undefined) throw new TypeError("WebAssembly.Table(): Property 'initial' is required");
    const initial = enforceRangeU32(initialV, "WebAssembly.Table(): Property 'initial'");
    const maximumV = d.maximum;
    const maximum =
      maximumV === undefined ? null : enforceRangeU32(maximumV, "WebAssembly.Table(): Property 'maximum'");
    if (type === undefined) {
      throw new TypeError(
        "WebAssembly.Table(): Descriptor property 'element' must be a WebAssembly reference type",
      );
    }
    if (initial > MAX_TABLE_SIZE) {
      throw new RangeError(
        `WebAssembly.Table(): Property 'initial': value ${initial} is above the upper bound ${MAX_TABLE_SIZE}`,
      );
    }
    if (maximum !== null && maximum < initial) {
      throw new RangeError(
        `WebAssembly.Table(): Property 'maximum': value ${maximum} is below the lower bound ${initial}`,
      );
    }
    const init = refArg(value, type, 'WebAssembly.Table(): Argument 1');
    const table = new WasmTable(type, initial, maximum, init);
    table.api = this;
    internals.set(this, table);
  }

  get length(): number {
    return internal(this, 'length').elements.length;
  }

  grow(delta: unknown, value?: unknown): number {
    const table = internal(this, 'grow()');
    const n = enforceRangeU32(delta, 'WebAssembly.Table.grow(): Argument 0');
    const init = refArg(value, table.refType, 'WebAssembly.Table.grow(): Argument 1');
    const old = table.grow(n, init);
    if (old < 0) throw new RangeError(`WebAssembly.Table.grow(): failed to grow table by ${n}`);
    return old;
  }

  get(index: unknown): unknown {
    const table = internal(this, 'get()');
    const i = enforceRangeU32(index, 'WebAssembly.Table.get(): Argument 0');
    if (i >= table.elements.length)
      throw new RangeError(
        `WebAssembly.Table.get(): invalid index ${i} into table of size ${table.elements.length}`,
      );
    return toJSValue(table.elements[i], table.refType);
  }

  set(index: unknown, value?: unknown): void {
    const table = internal(this, 'set()');
    const i = enforceRangeU32(index, 'WebAssembly.Table.set(): Argument 0');
    if (i >= table.elements.length)
      throw new RangeError(
        `WebAssembly.Table.set(): invalid index ${i} into table of size ${table.elements.length}`,
      );
    table.elements[i] = refArg(value, table.refType, 'WebAssembly.Table.set(): Argument 1');
  }
}
defineInterface(Table, 'WebAssembly.Table', 1);
Object.defineProperty(Table.prototype.grow, 'length', { value: 1 });
Object.defineProperty(Table.prototype.set, 'length', { value: 1 });

/** The table behind a `WebAssembly.Table`, or undefined for any other value. */
export function tableOfObject(v: unknown): WasmTable | undefined {
  return typeof v === 'object' && v !== null ? internals.get(v) : undefined;
}

/** The `WebAssembly.Table` of a table, created on first use. */
export function tableObject(table: WasmTable): Table {
  if (table.api === null) {
    const obj = Object.create(Table.prototype) as Table;
    internals.set(obj, table);
    table.api = obj;
  }
  return table.api as Table;
}
