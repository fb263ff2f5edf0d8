/**
 * Bugs found by the differential fuzz, each as the smallest module that shows
 * it (reduced with wasm-reduce), run on native and on wasmloom.
 */
import { describe, expect, it } from 'vitest';
import { createWebAssembly } from '../src/namespace.js';

const W = createWebAssembly({ workers: 0 });
const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

describe('fuzz regressions', () => {
  it('seed 4763: a select stored to its slot forgets what was known of the slot before (i32.load offset=4 of address 1)', () => {
    // (func (param i32) (result i32) nop i32.const 0 i32.const 1 (block (result i32) i32.const 0) select
    //   i32.load offset=4): the select's value 1 was taken for aligned (its slot last held the constant 0).
    const bytes = hex(
      '0061736d0100000001060160017f017f03020100050401011011070b010766756e635f313100000c01010a11010f0041004101027f41000b1b2802040b0b08010041030b0200fd',
    );
    const native = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.func_11 as (
      x: number,
    ) => number;
    const mine = (
      new W.Instance(new W.Module(bytes), {}) as { exports: Record<string, (x: number) => number> }
    ).exports.func_11;
    expect(mine(0)).toBe(native(0));
  });
});
