import { EXTERNREF, FUNCREF } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { Table, tableObject, tableOfObject } from '../src/api/table.js';
import * as helpers from '../src/helpers.js';
import { instantiate } from '../src/instance.js';
import { MAX_TABLE_SIZE, WasmTable } from '../src/table.js';
import { build, exp } from './module.js';

function wasmFunction(): (...args: unknown[]) => unknown {
  const code = build({
    types: [{ params: [], results: [0x7f] }],
    funcs: [{ type: 0, src: 'function f0() { return 7; }' }],
    exports: [exp('f', 0, 0)],
  });
  return instantiate(code).exports.f as (...args: unknown[]) => unknown;
}

describe('WasmTable', () => {
  it('grows in place with the init value, within the maximum', () => {
    const t = new WasmTable(EXTERNREF, 2, 4, 'x');
    const arr = t.elements;
    expect([...arr]).toEqual(['x', 'x']);
    expect(t.grow(1, 'y')).toBe(2);
    expect(t.elements).toBe(arr);
    expect([...arr]).toEqual(['x', 'x', 'y']);
    expect(t.grow(2, null)).toBe(-1);
    expect(t.length).toBe(3);
    expect(t.grow(-1, null)).toBe(-1);
    expect(t.length).toBe(3);
  });

  it('exposes its maximum on the element array for helpers.tableGrow (the same grow)', () => {
    const t = new WasmTable(FUNCREF, 1, 2, null);
    expect(helpers.tableGrow(t.elements, null, 1)).toBe(1);
    expect(helpers.tableGrow(t.elements, null, 1)).toBe(-1);
    // The delta is unsigned: -1 is 2^32 - 1.
    expect(helpers.tableGrow(new WasmTable(FUNCREF, 0, null, null).elements, null, -1)).toBe(-1);
    expect(() => new WasmTable(FUNCREF, MAX_TABLE_SIZE + 1, null, null)).toThrow(RangeError);
  });
});

describe('WebAssembly.Table', () => {
  it('validates the descriptor', () => {
    expect(() => (Table as unknown as (d: unknown) => unknown)({ element: 'anyfunc', initial: 1 })).toThrow(
      TypeError,
    );
    expect(() => new Table({ initial: 1 })).toThrow(TypeError);
    expect(() => new Table({ element: 'i32', initial: 1 })).toThrow(TypeError);
    expect(() => new Table({ element: 'anyfunc' })).toThrow(TypeError);
    expect(() => new Table({ element: 'anyfunc', initial: -1 })).toThrow(TypeError);
    expect(() => new Table({ element: 'anyfunc', initial: 2, maximum: 1 })).toThrow(RangeError);
    expect(() => new Table({ element: 'anyfunc', initial: MAX_TABLE_SIZE + 1 })).toThrow(RangeError);
    // TableKind is 'anyfunc' | 'externref' (as in V8): 'funcref' is not a member.
    expect(() => new Table({ element: 'funcref', initial: 3 })).toThrow(TypeError);
    expect(new Table({ element: 'anyfunc', initial: 3 }).length).toBe(3);
  });

  it('default values: null for funcref, undefined for externref', () => {
    expect(new Table({ element: 'anyfunc', initial: 1 }).get(0)).toBe(null);
    expect(new Table({ element: 'externref', initial: 1 }).get(0)).toBe(undefined);
    expect(new Table({ element: 'externref', initial: 1 }, 5).get(0)).toBe(5);
  });

  it('get/set/grow with bounds and conversions', () => {
    const t = new Table({ element: 'anyfunc', initial: 2, maximum: 3 });
    const f = wasmFunction();
    t.set(1, f);
    expect(t.get(1)).toBe(f);
    expect(() => t.set(0, () => 1)).toThrow(TypeError);
    expect(() => t.get(2)).toThrow(RangeError);
    expect(() => t.set(2, null)).toThrow(RangeError);
    expect(() => t.get(-1)).toThrow(TypeError);
    expect(t.grow(1, f)).toBe(2);
    expect(t.get(2)).toBe(f);
    expect(() => t.grow(1)).toThrow(RangeError);
    t.set(1);
    expect(t.get(1)).toBe(null);
    const e = new Table({ element: 'externref', initial: 0 });
    const o = {};
    expect(e.grow(2, o)).toBe(0);
    expect(e.get(1)).toBe(o);
  });

  it('Web IDL shape and identity', () => {
    expect(Table.length).toBe(1);
    expect(Table.prototype.grow.length).toBe(1);
    expect(Table.prototype.set.length).toBe(1);
    expect(Object.getOwnPropertyDescriptor(Table.prototype, 'length')!.enumerable).toBe(true);
    expect(() => Table.prototype.get.call({}, 0)).toThrow(TypeError);
    const t = new Table({ element: 'anyfunc', initial: 1 });
    expect(tableObject(tableOfObject(t)!)).toBe(t);
  });
});
