/**
 * A table (abi.ts `TBL{t}`): generated code holds the element array itself,
 * which grows in place so the reference never changes; its `length` is the
 * table size and its `max` the maximum, all `tableGrow` needs.
 *
 * Elements are internal reference values: FuncRef records or null for funcref
 * tables, any JS value (null = ref.null) for externref tables.
 */
import { IMPL_LIMITS } from '@wasmloom/binary';

/**
 * V8's limit on table size (the decoder's limit on a declared size): `new
 * WebAssembly.Table` fails, and a table without a maximum stops growing, where native does.
 */
export const MAX_TABLE_SIZE = IMPL_LIMITS.tableSize;

/** The element array; `max` is the table's maximum size or null (abi.ts), for `tableGrow`. */
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
    for (let i = 0; i < initial; i++) this.elements.push(init);
  }

  get length(): number {
    return this.elements.length;
  }

  /** Grows by `delta` entries set to `init`: the old size, or -1 (unchanged) when it cannot. */
  grow(delta: number, init: unknown): number {
    return tableGrow(this.elements, init, delta);
  }
}

/**
 * `table.grow` (generated code calls it from the factory scope, helpers.ts):
 * grows by `delta`, taken unsigned, entries set to `init`; the old size, or
 * -1 (unchanged) past the maximum or `MAX_TABLE_SIZE`.
 */
export function tableGrow(elements: TableElements, init: unknown, delta: number): number {
  delta >>>= 0;
  const old = elements.length;
  const max = elements.max ?? MAX_TABLE_SIZE;
  if (old + delta > Math.min(max, MAX_TABLE_SIZE)) return -1;
  for (let i = 0; i < delta; i++) elements.push(init);
  return old;
}
