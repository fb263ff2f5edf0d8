/**
 * A global (abi.ts `G{g}`): a cell `{ v }` (i64: `{ v: lo, h: hi }`) shared by
 * the instances that define or import it and by its `WebAssembly.Global`
 * object, plus its type. Values enter and leave through the JS API
 * conversions of `functions.ts`.
 */

import type { GlobalCell } from '@wasmloom/binary';
import { I64, isRef, V128 } from '@wasmloom/binary';
import { toJSValue, toWasmValue } from './functions.js';
import { bigHi, bigLo } from './values.js';

/** A fresh cell holding the default value of type `t`. */
export function newCell(t: number): GlobalCell {
  if (t === I64) return { v: 0, h: 0 };
  if (isRef(t)) return { v: null };
  if (t === V128) return { v: new Uint8Array(16) };
  return { v: 0 };
}

export class WasmGlobal {
  readonly type: number;
  readonly mutable: boolean;
  readonly cell: GlobalCell;
  /** The `WebAssembly.Global` object for this global, once one exists. */
  api: object | null = null;

  constructor(type: number, mutable: boolean, cell: GlobalCell = newCell(type)) {
    this.type = type;
    this.mutable = mutable;
    this.cell = cell;
  }

  /** Stores an internal value (i64: a BigInt). */
  setInternal(value: unknown): void {
    if (this.type === I64) {
      const b = value as bigint;
      this.cell.v = bigLo(b);
      this.cell.h = bigHi(b);
    } else {
      this.cell.v = value;
    }
  }

  /** The internal value (i64: a BigInt from the pair). */
  getInternal(): unknown {
    return this.type === I64 ? toJSValue(this.cell.v, I64, this.cell.h) : this.cell.v;
  }

  /** ToJSValue of the current value (TypeError for v128). */
  getJS(): unknown {
    return toJSValue(this.cell.v, this.type, this.cell.h);
  }

  /** ToWebAssemblyValue of `v`, stored (mutability is the caller's check). */
  setJS(v: unknown): void {
    this.setInternal(toWasmValue(v, this.type));
  }
}
