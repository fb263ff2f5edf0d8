/**
 * A table (abi.ts `TBL{t}`): generated code holds the element array itself,
 * which grows in place so the reference never changes; its `length` is the
 * table size. `tableOf(elements)` finds the table (limits, element type) from
 * the array, for helpers that only have `TBL{t}`.
 *
 * Elements are internal reference values: FuncRef records or null for funcref
 * tables, any JS value (null = ref.null) for externref tables.
 */
import { IMPL_LIMITS } from '@wasmloom/binary';
import { push } from './intrinsics.js';

/** V8's limit on table size, so `new WebAssembly.Table` fails where native does. */
export const MAX_TABLE_SIZE = IMPL_LIMITS.tableSize;

const byElements = new WeakMap<unknown[], WasmTable>();

/** The element array; `max` is read by helpers.ts `tableGrow`. */
export type TableElements = unknown[] & { max?: number | null };

export class WasmTable {
  readonly elements: TableElements = [];
  readonly refType: number;
  /** Maximum size, or null. */
  readonly maximum: number | null;
  /** The `WebAssembly.Table` object for this table, once one exists. */
  api: object | null = null;

  constructor(refType: number, initial: number, maximum: number | null, init: unknown) {
    if (initial > MAX_TABLE_SIZE)
      throw new RangeError(`table size ${initial} exceeds the maximum of ${MAX_TABLE_SIZE}`);
    this.refType = refType;
    this.maximum = maximum;
    this.elements.max = maximum;
    // push keeps the array packed (new Array(n) would make it holey).
    for (let i = 0; i < initial; i++) push(this.elements, init);
    byElements.set(this.elements, this);
  }

  get length(): number {
    return this.elements.length;
  }

  /** Grows by `delta` entries set to `init`: the old size, or -1 (unchanged) when it cannot. */
  grow(delta: number, init: unknown): number {
    const elements = this.elements;
    const old = elements.length;
    const size = old + delta;
    if (delta < 0 || size > (this.maximum ?? 0xffffffff) || size > MAX_TABLE_SIZE) return -1;
    for (let i = old; i < size; i++) push(elements, init);
    return old;
  }
}

/** The table owning an element array (`TBL{t}`). */
export function tableOf(elements: unknown[]): WasmTable {
  const table = byElements.get(elements);
  if (table === undefined) throw new TypeError('not a table element array');
  return table;
}

/** `table.grow` for generated code: old size or -1. `delta` is the unsigned operand. */
export function growTable(elements: unknown[], delta: number, init: unknown): number {
  return tableOf(elements).grow(delta, init);
}
