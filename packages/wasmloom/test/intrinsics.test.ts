/**
 * Page code cannot change wasm semantics (runtime intrinsics.ts): with the
 * built-ins the runtime and generated code use replaced on globalThis after
 * wasmloom loaded, a module compiles, instantiates and computes what it does
 * with them intact, as native WebAssembly does.
 */
import { describe, expect, it } from 'vitest';
import { WebAssembly as W } from 'wasmloom';
import { body, build, exp, F64, funcType, I32, I64, kind, limits, sleb, uleb } from './modules.js';

const types = [
  funcType([I32], [I32]), // 0 load8
  funcType([I32, I32, I32], []), // 1 fill, copy
  funcType([F64], [F64]), // 2 mix
  funcType([I64, I64], [I64]), // 3 div, mul
  funcType([], [I32]), // 4 grows
];
const bytes = build({
  types,
  funcs: [0, 1, 1, 2, 3, 3, 4],
  tables: [[0x70, ...limits(1)]],
  memories: [limits(1, 4)],
  exports: ['load8', 'fill', 'copy', 'mix', 'div', 'mul', 'grows'].map((n, i) => exp(n, kind.func, i)),
  codes: [
    body(0x20, 0, 0x2d, 0, 0, 0x0b), // i32.load8_u
    body(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 11, 0, 0x0b), // memory.fill
    body(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10, 0, 0, 0x0b), // memory.copy
    // nearest(x) + floor(x) * sqrt(x) + min(x, 2.5) + max(trunc(x), ceil(x))
    body(
      ...[0x20, 0, 0x9e, 0x20, 0, 0x9c, 0x20, 0, 0x9f, 0xa2, 0xa0],
      ...[0x20, 0, 0x44, 0, 0, 0, 0, 0, 0, 4, 0x40, 0xa4, 0xa0],
      ...[0x20, 0, 0x9d, 0x20, 0, 0x9b, 0xa5, 0xa0, 0x0b],
    ),
    body(0x20, 0, 0x20, 1, 0x7f, 0x0b), // i64.div_s
    body(0x20, 0, 0x20, 1, 0x7e, 0x0b), // i64.mul
    // memory.grow 1 + table.grow (ref.null, 2) * 16 + memory.size * 256
    body(
      0x41,
      1,
      0x40,
      0,
      0xd0,
      0x70,
      0x41,
      2,
      0xfc,
      15,
      0,
      0x41,
      16,
      0x6c,
      0x6a,
      0x3f,
      0,
      0x41,
      ...sleb(256),
      0x6c,
      0x6a,
      0x0b,
    ),
  ],
  datas: [[0, 0x41, 0, 0x0b, ...uleb(4), 200, 1, 2, 3]],
});

/** Everything the module computes, in one list: instantiated, run and read here. */
function run(engine: typeof W, module: object): unknown[] {
  const { exports: e } = new engine.Instance(module as never, {}) as {
    exports: Record<string, (...a: unknown[]) => unknown>;
  };
  // No push: Array.prototype.push may be the page's.
  const out: unknown[] = [e.load8(0), e.load8(3)];
  e.fill(8, 0x1ff, 4);
  e.copy(16, 0, 12);
  for (let i = 0; i < 24; i++) out[out.length] = e.load8(i);
  return [
    ...out,
    e.mix(6.5),
    e.mix(2.25),
    e.mix(-0.5),
    e.div(-(2n ** 62n), 3n),
    e.mul(0x123456789n, 0x987654321n),
    e.grows(),
    e.grows(),
  ];
}

/** Runs `f` with the built-ins wasm relies on replaced by wrong ones, then puts them back. */
function withHostileGlobals<T>(f: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved: [object, string, PropertyDescriptor][] = [];
  const replace = (owner: object, key: string, value: unknown) => {
    saved.push([owner, key, Object.getOwnPropertyDescriptor(owner, key)!]);
    Object.defineProperty(owner, key, { value, configurable: true, writable: true });
  };
  const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
  const bogus = () => 7;
  class Evil {
    constructor() {
      throw new Error('page constructor called');
    }
  }
  for (const name of ['Uint8Array', 'Int32Array', 'Float64Array', 'Float32Array', 'DataView', 'Function'])
    replace(g, name, Evil);
  for (const name of [
    'trunc',
    'floor',
    'ceil',
    'round',
    'sqrt',
    'min',
    'max',
    'abs',
    'fround',
    'imul',
    'clz32',
  ])
    replace(Math, name, bogus);
  const push = Array.prototype.push;
  const { fill, set, copyWithin } = typedArray;
  const fakeBigInt = Object.assign(() => 7n, { asIntN: () => 7n, asUintN: () => 7n });
  replace(g, 'BigInt', fakeBigInt);
  replace(Number, 'isNaN', () => true);
  replace(Reflect, 'apply', bogus);
  replace(typedArray, 'fill', bogus);
  replace(typedArray, 'set', bogus);
  replace(typedArray, 'copyWithin', bogus);
  replace(Array.prototype, 'push', bogus);
  try {
    return f();
  } finally {
    for (const [owner, key, d] of saved.reverse()) Object.defineProperty(owner, key, d);
    // The test's own checks run with the originals again.
    expect([Array.prototype.push, typedArray.fill, typedArray.set, typedArray.copyWithin]).toEqual([
      push,
      fill,
      set,
      copyWithin,
    ]);
  }
}

describe('built-ins captured at load', () => {
  it('replacing them on globalThis after loading changes no result', () => {
    const native = globalThis.WebAssembly as unknown as typeof W;
    const expected = run(native, new native.Module(bytes));
    // Compiled before: the compile path (binary, compiler) does not capture its built-ins yet.
    const module = new W.Module(bytes);
    expect(run(W, module)).toEqual(expected);
    expect(withHostileGlobals(() => run(W, module))).toEqual(expected);
  });
});
