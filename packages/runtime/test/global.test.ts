import { EXTERNREF, FUNCREF, I32, I64 } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { Global, globalObject, globalOf } from '../src/api/global.js';
import { toJSValue, toWasmValue } from '../src/functions.js';
import { WasmGlobal } from '../src/global.js';
import { instantiate } from '../src/instance.js';
import { bigHi, bigLo, pairToBigInt, toBigInt64 } from '../src/values.js';
import { build, exp } from './module.js';

describe('i64 pairs and BigInt', () => {
  it('round-trips through (lo, hi)', () => {
    for (const b of [
      0n,
      1n,
      -1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      0x123456789abcdefn,
      -0x1234567890n,
      2n ** 53n,
      -(2n ** 53n) - 1n,
    ]) {
      expect(pairToBigInt(bigLo(b), bigHi(b))).toBe(b);
    }
    expect(bigLo(-1n)).toBe(-1);
    expect(bigHi(-1n)).toBe(-1);
    expect(bigLo(2n ** 32n)).toBe(0);
    expect(bigHi(2n ** 32n)).toBe(1);
  });

  it('ToBigInt64 wraps and rejects Numbers', () => {
    expect(toBigInt64(2n ** 64n + 5n)).toBe(5n);
    expect(toBigInt64(2n ** 63n)).toBe(-(2n ** 63n));
    expect(toBigInt64(true)).toBe(1n);
    expect(toBigInt64('12')).toBe(12n);
    expect(() => toBigInt64(1)).toThrow(TypeError);
    expect(() => toBigInt64(undefined)).toThrow(TypeError);
    expect(() => toBigInt64('x')).toThrow(SyntaxError);
  });
});

describe('ToWebAssemblyValue / ToJSValue', () => {
  it('numbers', () => {
    expect(toWasmValue(2 ** 32 + 5, I32)).toBe(5);
    expect(toWasmValue(undefined, I32)).toBe(0);
    expect(toWasmValue('7', I32)).toBe(7);
    expect(() => toWasmValue(1n, I32)).toThrow(TypeError);
    expect(toWasmValue(1.1, 0x7d)).toBe(Math.fround(1.1));
    expect(toWasmValue(undefined, 0x7c)).toBeNaN();
    expect(() => toWasmValue(Symbol(), 0x7c)).toThrow(TypeError);
    expect(() => toWasmValue(1, 0x7b)).toThrow(TypeError);
  });

  it('externref keeps any value; funcref needs a wasm function or null', () => {
    const o = {};
    expect(toWasmValue(o, EXTERNREF)).toBe(o);
    expect(toWasmValue(undefined, EXTERNREF)).toBe(undefined);
    expect(toWasmValue(null, FUNCREF)).toBe(null);
    expect(() => toWasmValue(() => 1, FUNCREF)).toThrow(TypeError);
    const code = build({
      types: [{ params: [], results: [] }],
      funcs: [{ type: 0, src: 'function f0() {}' }],
      exports: [exp('f', 0, 0)],
    });
    const f = instantiate(code).exports.f;
    const rec = toWasmValue(f, FUNCREF);
    expect(rec).toMatchObject({ sig: expect.any(Number) });
    expect(toJSValue(rec, FUNCREF)).toBe(f);
    expect(toJSValue(null, FUNCREF)).toBe(null);
  });
});

describe('WebAssembly.Global', () => {
  it('constructs with defaults and conversions', () => {
    expect(new Global({ value: 'i32' }).value).toBe(0);
    expect(new Global({ value: 'i64' }).value).toBe(0n);
    expect(new Global({ value: 'i64' }, undefined).value).toBe(0n);
    expect(new Global({ value: 'f32' }, 1.1).value).toBe(Math.fround(1.1));
    expect(new Global({ value: 'f64' }, '2.5').value).toBe(2.5);
    expect(new Global({ value: 'externref' }).value).toBe(undefined);
    expect(new Global({ value: 'anyfunc' }).value).toBe(null);
    expect(new Global({ value: 'i64' }, -5n).value).toBe(-5n);
    expect(() => new Global({ value: 'i64' }, 1)).toThrow(TypeError);
    expect(() => new Global({ value: 'funcref' }, () => 1)).toThrow(TypeError);
    expect(() => new Global({ value: 'v128' })).toThrow(TypeError);
    expect(() => new Global({ value: 'i33' })).toThrow(TypeError);
    expect(() => new Global({})).toThrow(TypeError);
    expect(() => (Global as unknown as (d: unknown) => unknown)({ value: 'i32' })).toThrow(TypeError);
  });

  it('value setter: mutability and conversion; valueOf', () => {
    const g = new Global({ value: 'i32', mutable: true }, 1);
    g.value = 2 ** 31;
    expect(g.value).toBe(-(2 ** 31));
    expect(g.valueOf()).toBe(-(2 ** 31));
    const c = new Global({ value: 'i32' }, 1);
    expect(() => {
      c.value = 2;
    }).toThrow(TypeError);
    const big = new Global({ value: 'i64', mutable: true });
    big.value = 2n ** 40n + 3n;
    const cell = globalOf(big)!.cell;
    expect(cell).toEqual({ v: 3, h: 256 });
    expect(() => {
      big.value = 1;
    }).toThrow(TypeError);
  });

  it('shares the cell with the internal global; one API object per global', () => {
    const wg = new WasmGlobal(I64, true);
    const obj = globalObject(wg);
    expect(globalObject(wg)).toBe(obj);
    wg.cell.v = -1;
    wg.cell.h = 0;
    expect(obj.value).toBe(0xffffffffn);
    expect(Object.getOwnPropertyDescriptor(Global.prototype, 'value')!.enumerable).toBe(true);
    expect(() => Global.prototype.valueOf.call({})).toThrow(TypeError);
  });
});
