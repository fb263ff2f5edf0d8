/**
 * `WebAssembly.Table`: the JS API object of a `WasmTable`, one per table
 * (`tableObject` caches it on the table).
 */
import { EXTERNREF, FUNCREF } from '@wasmloom/binary';
import { toJSValue, toWasmValue } from '../functions.js';
import { Object } from '../intrinsics.js';
import { MAX_TABLE_SIZE, WasmTable } from '../table.js';
import { defaultValue } from './global.js';
import { defineInterface, dictionary, enforceRangeU32, enumValue, setLength } from './webidl.js';

const internals = new WeakMap<object, WasmTable>();

function internal(self: unknown, what: string): WasmTable {
  const table = internals.get(self as object);
  if (table === undefined) throw new TypeError(`${what}: Receiver is not a WebAssembly.Table`);
  return table;
}

/** The JS API's `TableKind` enumeration. */
export const TABLE_KIND_NAMES = ['anyfunc', 'externref'] as const;

/**
 * An initial or fill value: missing (undefined) → DefaultValue, else
 * ToWebAssemblyValue (a TypeError naming the argument when it does not fit).
 */
function refArg(v: unknown, type: number, what: string): unknown {
  return v === undefined ? defaultValue(type) : convertRef(v, type, what);
}

/** ToWebAssemblyValue for a reference argument, its TypeError naming the argument. */
function convertRef(v: unknown, type: number, what: string): unknown {
  try {
    return toWasmValue(v, type);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`${what} is invalid for this table: ${e.message}`);
    throw e;
  }
}

export class Table {
  /** Descriptor members in order, each converted as soon as it is read: element, initial, maximum. */
  constructor(descriptor: unknown, value?: unknown) {
    const d = dictionary(descriptor, 'WebAssembly.Table(): Argument 0');
    const elementV = d.element;
    if (elementV === undefined)
      throw new TypeError("WebAssembly.Table(): Descriptor property 'element' is required");
    const kind = enumValue(elementV, TABLE_KIND_NAMES, "WebAssembly.Table(): Descriptor property 'element'");
    const type = kind === 'anyfunc' ? FUNCREF : EXTERNREF;
    const initialV = d.initial;
    if (initialV === undefined)
      throw new TypeError("WebAssembly.Table(): Descriptor property 'initial' is required");
    const initial = enforceRangeU32(initialV, "WebAssembly.Table(): Descriptor property 'initial'");
    const maximumV = d.maximum;
    const maximum =
      maximumV === undefined
        ? null
        : enforceRangeU32(maximumV, "WebAssembly.Table(): Descriptor property 'maximum'");
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
    return internal(this, 'get WebAssembly.Table.length').elements.length;
  }

  grow(delta: number, value?: unknown): number {
    const table = internal(this, 'WebAssembly.Table.grow()');
    const n = enforceRangeU32(delta, 'WebAssembly.Table.grow(): Argument 0');
    const init = refArg(value, table.refType, 'WebAssembly.Table.grow(): Argument 1');
    const old = table.grow(n, init);
    if (old < 0) throw new RangeError(`WebAssembly.Table.grow(): failed to grow table by ${n}`);
    return old;
  }

  /** `value` missing stores the default; an explicit `undefined` is a value (a TypeError for funcref), as native. */
  set(index: number, ...value: unknown[]): void {
    const table = internal(this, 'WebAssembly.Table.set()');
    const i = enforceRangeU32(index, 'WebAssembly.Table.set(): Argument 0');
    const size = table.elements.length;
    if (i >= size)
      throw new RangeError(`WebAssembly.Table.set(): invalid index ${i} into a table of size ${size}`);
    table.elements[i] =
      value.length === 0
        ? defaultValue(table.refType)
        : convertRef(value[0], table.refType, 'WebAssembly.Table.set(): Argument 1');
  }

  // biome-ignore lint/suspicious/noExplicitAny: any reference value (lib.dom types it so)
  get(index: number): any {
    const table = internal(this, 'WebAssembly.Table.get()');
    const i = enforceRangeU32(index, 'WebAssembly.Table.get(): Argument 0');
    const size = table.elements.length;
    if (i >= size)
      throw new RangeError(`WebAssembly.Table.get(): invalid index ${i} into a table of size ${size}`);
    return toJSValue(table.elements[i], table.refType);
  }
}
defineInterface(Table, 'WebAssembly.Table', 1);
setLength(Table.prototype.grow, 1);
setLength(Table.prototype.set, 1);

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
