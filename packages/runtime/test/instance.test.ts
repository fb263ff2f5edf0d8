import { EXTERNREF, F32, F64, FUNCREF, I32, I64, Op } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { Global } from '../src/api/global.js';
import { Memory } from '../src/api/memory.js';
import { Table } from '../src/api/table.js';
import { RuntimeError } from '../src/errors.js';
import { buildFactorySource, instantiate } from '../src/instance.js';
import {
  activeData,
  activeElem,
  build,
  exp,
  f32c,
  f64c,
  funcImport,
  globalGet,
  globalImport,
  i32c,
  i64c,
  limits,
  memImport,
  refFunc,
  tableImport,
} from './module.js';

type Fn = (...args: unknown[]) => unknown;

describe('functions and the calling convention', () => {
  const code = build({
    types: [
      { params: [I32, I32], results: [I32] },
      { params: [I64, I64], results: [I64] },
      { params: [I32], results: [I32, I64, F64] },
      { params: [F32, F64], results: [F64] },
      { params: [], results: [] },
    ],
    funcs: [
      { type: 0, src: 'function f0(p0, p1) { return (p0 + p1) | 0; }' },
      {
        type: 1,
        src: `function f1(al, ah, bl, bh) {
          const lo = (al + bl) | 0;
          HI[0] = (ah + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          return lo;
        }`,
      },
      { type: 2, src: 'function f2(p0) { RV[0] = p0; RV[1] = 5; RV[2] = -1; RV[3] = 0.5; }' },
      { type: 3, src: 'function f3(a, b) { return a + b; }' },
      { type: 4, src: 'function f4() { throw trap(0); }' },
    ],
    exports: [exp('add', 0, 0), exp('add64', 0, 1), exp('multi', 0, 2), exp('addf', 0, 3), exp('boom', 0, 4)],
  });
  const { exports } = instantiate(code);
  const add = exports.add as Fn;
  const add64 = exports.add64 as Fn;

  it('converts arguments with ToInt32 / ToNumber; missing arguments are undefined', () => {
    expect(add(1, 2)).toBe(3);
    expect(add(2 ** 31, 0)).toBe(-(2 ** 31));
    expect(add('4', { valueOf: () => 5 })).toBe(9);
    expect(add(1)).toBe(1);
    expect(() => add(1n, 2)).toThrow(TypeError);
    expect((exports.addf as Fn)(1.1, 1)).toBe(Math.fround(1.1) + 1);
    expect((exports.addf as Fn)()).toBeNaN();
  });

  it('i64 crosses as BigInt; Numbers are a TypeError', () => {
    expect(add64(1n, 2n)).toBe(3n);
    expect(add64(0xffffffffn, 1n)).toBe(0x100000000n);
    expect(add64(-1n, -1n)).toBe(-2n);
    expect(add64(2n ** 63n - 1n, 1n)).toBe(-(2n ** 63n));
    expect(() => add64(1, 2n)).toThrow(TypeError);
    expect(() => add64()).toThrow(TypeError);
  });

  it('multi-value results become an array', () => {
    expect((exports.multi as Fn)(7)).toEqual([7, -4294967291n, 0.5]);
  });

  it('traps are RuntimeErrors', () => {
    expect(() => (exports.boom as Fn)()).toThrow(RuntimeError);
    expect(() => (exports.boom as Fn)()).toThrow('unreachable');
  });

  it('exported functions: name is the function index, length the parameter count, not constructors', () => {
    expect(add.name).toBe('0');
    expect(add.length).toBe(2);
    expect(add64.length).toBe(2);
    expect((exports.boom as Fn).name).toBe('4');
    expect('prototype' in add).toBe(false);
    expect(() => new (add as unknown as new () => unknown)()).toThrow(TypeError);
  });

  it('exports object: null prototype, frozen, in export order', () => {
    expect(Object.getPrototypeOf(exports)).toBe(null);
    expect(Object.isFrozen(exports)).toBe(true);
    expect(Object.keys(exports)).toEqual(['add', 'add64', 'multi', 'addf', 'boom']);
    const d = Object.getOwnPropertyDescriptor(exports, 'add')!;
    expect(d).toMatchObject({ writable: false, enumerable: true, configurable: false });
  });

  it('each instance gets its own closures; the factory source is plain text', () => {
    const other = instantiate(code).exports;
    expect(other.add).not.toBe(add);
    const src = buildFactorySource(code.module, code.env, code.sources);
    expect(typeof src).toBe('string');
    expect(src).toContain('function f0(p0, p1)');
    const fromSource = instantiate({ ...code, factorySource: src }).exports;
    expect((fromSource.add as Fn)(2, 3)).toBe(5);
  });

  it('a lazy factory holds stubs; each function is defined in the factory scope on its first call', () => {
    const src = buildFactorySource(code.module, code.env, code.sources, true);
    expect(src).not.toContain('function f0(p0, p1)');
    const lazy = { ...code, factorySource: src };
    const first = instantiate(lazy);
    const second = instantiate(lazy);
    const rec = first.funcs[1];
    const stub = rec.fn;
    expect((first.exports.add64 as Fn)(0xffffffffn, 1n)).toBe(0x100000000n);
    // Defined now: the record (tables, exports) calls the function itself, the stub forwards to it.
    expect(rec.fn).not.toBe(stub);
    expect((stub as Fn)(-1, -1, 1, 0)).toBe(0);
    expect((first.exports.multi as Fn)(7)).toEqual([7, -4294967291n, 0.5]);
    expect(() => (first.exports.boom as Fn)()).toThrow(RuntimeError);
    // Each instance defines its own closures.
    expect(second.funcs[1].fn).not.toBe(rec.fn);
    expect((second.exports.add as Fn)(2, 3)).toBe(5);
    expect(second.funcs[0].fn).not.toBe(first.funcs[0].fn);
  });

  it("after the first instance, a module's sources are the engine's copy of its factory text, equal to before", () => {
    // (`code` itself went through this already, when the instance above was made.)
    const fresh = { ...code, sources: code.sources.map((s) => ` ${s}`.slice(1)), factorySource: undefined };
    const before = [...fresh.sources];
    const expected = buildFactorySource(fresh.module, fresh.env, before);
    expect(fresh.factorySource).toBeUndefined();
    instantiate(fresh);
    // Swapped for slices of Function.prototype.toString of the factory (one copy of the text, in V8).
    expect(fresh.factorySource).toBe(expected);
    expect(fresh.sources).not.toBe(before);
    expect(fresh.sources).toEqual(before);
    expect((instantiate(fresh).exports.add as Fn)(2, 3)).toBe(5);
    // Frozen code is left alone.
    const frozen = Object.freeze({ ...code, sources: before, factorySource: undefined });
    instantiate(frozen);
    expect(frozen.sources).toBe(before);
    expect(frozen.factorySource).toBeUndefined();
  });
});

describe('lazily defined functions', () => {
  it('call each other directly, recursively and across instances', () => {
    const types = [{ params: [I32], results: [I32] }];
    const provider = build({
      types,
      funcs: [
        { type: 0, src: 'function f0(n) { return n <= 1 ? 1 : Math.imul(n, f0((n - 1) | 0)); }' },
        { type: 0, src: 'function f1(n) { return (f0(n) + 1) | 0; }' },
      ],
      exports: [exp('fac', 0, 0), exp('facPlus', 0, 1)],
    });
    const p = instantiate({
      ...provider,
      factorySource: buildFactorySource(provider.module, provider.env, provider.sources, true),
    });
    const user = build({
      types,
      imports: [funcImport('m', 'fac', 0)],
      funcs: [{ type: 0, src: 'function f1(n) { return (f0(n) * 2) | 0; }' }],
      exports: [exp('twice', 0, 1)],
    });
    const u = instantiate(
      { ...user, factorySource: buildFactorySource(user.module, user.env, user.sources, true) },
      { m: { fac: p.exports.fac } },
    );
    expect((u.exports.twice as Fn)(5)).toBe(240);
    expect((p.exports.facPlus as Fn)(4)).toBe(25);
    expect((p.exports.fac as Fn)(6)).toBe(720);
  });
});

describe('imports', () => {
  it('host functions: arguments to JS values, results through ToWebAssemblyValue, this undefined', () => {
    const seen: unknown[] = [];
    const code = build({
      types: [
        { params: [I32, I64, F32], results: [I64] },
        { params: [], results: [I32, I64] },
        { params: [], results: [I32] },
      ],
      imports: [funcImport('js', 'f', 0), funcImport('js', 'multi', 1), funcImport('js', 'one', 2)],
      funcs: [
        {
          type: 0,
          src: 'function f3(a, bl, bh, c) { return (f0(a, bl, bh, c) + 1) | 0; /* HI[0] passes through */ }',
        },
        { type: 1, src: 'function f4() { f1(); RV[0] = (RV[0] + 1) | 0; }' },
        { type: 2, src: 'function f5() { return f2(); }' },
      ],
      exports: [exp('call', 0, 3), exp('multi', 0, 4), exp('one', 0, 5)],
    });
    let multiResult: unknown = [1, 2n];
    let oneResult: unknown = 1;
    const { exports } = instantiate(code, {
      js: {
        f(this: unknown, a: unknown, b: unknown, c: unknown) {
          seen.push(this, a, b, c);
          return 41n;
        },
        multi: () => multiResult,
        one: () => oneResult,
      },
    });
    expect((exports.call as Fn)(-1, 2n ** 40n, 1.5)).toBe(42n);
    expect(seen).toEqual([undefined, -1, 2n ** 40n, 1.5]);
    expect((exports.multi as Fn)()).toEqual([2, 2n]);
    multiResult = new Set([5, 7n]);
    expect((exports.multi as Fn)()).toEqual([6, 7n]);
    multiResult = [1];
    expect(() => (exports.multi as Fn)()).toThrow(TypeError);
    multiResult = 5;
    expect(() => (exports.multi as Fn)()).toThrow(TypeError);
    multiResult = [1, 2];
    expect(() => (exports.multi as Fn)()).toThrow(TypeError);
    oneResult = '12';
    expect((exports.one as Fn)()).toBe(12);
    oneResult = 2n;
    expect(() => (exports.one as Fn)()).toThrow(TypeError);
  });

  it('re-exports: a wasm function stays the same function; a JS function gets a wasm wrapper (as V8 does)', () => {
    const types = [{ params: [I32], results: [I32] }];
    const a = instantiate(
      build({
        types,
        funcs: [{ type: 0, src: 'function f0(p0) { return (p0 * 2) | 0; }' }],
        exports: [exp('dbl', 0, 0)],
      }),
    ).exports;
    const host = (x: number) => x + 1;
    const reexport = build({
      types,
      imports: [funcImport('m', 'w', 0), funcImport('m', 'h', 0)],
      exports: [exp('w', 0, 0), exp('w2', 0, 0), exp('h', 0, 1), exp('h2', 0, 1)],
    });
    const b = instantiate(reexport, { m: { w: a.dbl, h: host } }).exports;
    expect(b.w).toBe(a.dbl);
    expect(b.w2).toBe(a.dbl);
    expect(b.h).not.toBe(host);
    expect(b.h2).toBe(b.h);
    expect((b.h as Fn).name).toBe('1');
    expect((b.h as Fn)(1)).toBe(2);
    // Importing that wrapper again is a direct call to the same record.
    const c = instantiate(reexport, { m: { w: b.h, h: b.w } }).exports;
    expect(c.w).toBe(b.h);
    expect(c.h).toBe(a.dbl);
  });

  it('cross-instance calls share HI/RV: i64 and multi-value results of imported wasm functions', () => {
    const types = [
      { params: [], results: [I64] },
      { params: [], results: [I32, I32] },
    ];
    const a = instantiate(
      build({
        types,
        funcs: [
          { type: 0, src: 'function f0() { HI[0] = 7; return 9; }' },
          { type: 1, src: 'function f1() { RV[0] = 1; RV[1] = 2; }' },
        ],
        exports: [exp('big', 0, 0), exp('two', 0, 1)],
      }),
    ).exports;
    const b = instantiate(
      build({
        types,
        imports: [funcImport('a', 'big', 0), funcImport('a', 'two', 1)],
        funcs: [
          { type: 0, src: 'function f2() { const lo = f0(); HI[0] = HI[0] + 1; return lo; }' },
          { type: 1, src: 'function f3() { f1(); const x = RV[0], y = RV[1]; RV[0] = y; RV[1] = x; }' },
        ],
        exports: [exp('big', 0, 2), exp('two', 0, 3)],
      }),
      { a },
    ).exports;
    expect((b.big as Fn)()).toBe((8n << 32n) | 9n);
    expect((b.two as Fn)()).toEqual([2, 1]);
  });
});

describe('globals', () => {
  it('initializers: constants, imported globals, extended-const, ref.func; cells shared with Global objects', () => {
    const imported = new Global({ value: 'i32', mutable: false }, 40);
    const code = build({
      types: [{ params: [], results: [I32] }],
      imports: [globalImport('m', 'base', I32), globalImport('m', 'num', I32), globalImport('m', 'big', I64)],
      funcs: [{ type: 0, src: 'function f0() { return G3.v; }' }],
      globals: [
        {
          type: { type: I32, mutable: true },
          init: {
            offset: 0,
            instrs: [{ op: Op.global_get, imm: 0 }, { op: Op.i32_const, imm: 2 }, { op: Op.i32_add }],
            type: I32,
          },
        },
        { type: { type: I64, mutable: false }, init: i64c(-2n) },
        { type: { type: F32, mutable: false }, init: f32c(0x3fc00000) },
        { type: { type: F64, mutable: false }, init: f64c(0x4004000000000000n) },
        { type: { type: FUNCREF, mutable: false }, init: refFunc(0) },
        { type: { type: I64, mutable: false }, init: globalGet(2, I64) },
        {
          type: { type: EXTERNREF, mutable: true },
          init: { offset: 0, instrs: [{ op: Op.ref_null, imm: 0x6f }], type: EXTERNREF },
        },
      ],
      exports: [
        exp('g', 3, 3),
        exp('i64', 3, 4),
        exp('f32', 3, 5),
        exp('f64', 3, 6),
        exp('fn', 3, 7),
        exp('copy', 3, 8),
        exp('ext', 3, 9),
        exp('get', 0, 0),
        exp('base', 3, 0),
        exp('num', 3, 1),
      ],
    });
    const { exports } = instantiate(code, { m: { base: imported, num: 5, big: 2n ** 40n } });
    const g = exports.g as Global;
    expect(g.value).toBe(42);
    expect(exports.g).toBe(exports.g);
    g.value = 7;
    expect((exports.get as Fn)()).toBe(7);
    expect((exports.i64 as Global).value).toBe(-2n);
    expect((exports.f32 as Global).value).toBe(1.5);
    expect((exports.f64 as Global).value).toBe(2.5);
    expect((exports.fn as Global).value).toBe(exports.get);
    expect((exports.copy as Global).value).toBe(2n ** 40n);
    expect((exports.ext as Global).value).toBe(null);
    expect(exports.base).toBe(imported);
    expect((exports.num as Global).value).toBe(5);
    expect(exports.num).toBeInstanceOf(Global);
  });
});

describe('memories', () => {
  const memSpec = {
    types: [
      { params: [I32], results: [I32] },
      { params: [I32, I32], results: [] },
    ],
    funcs: [
      {
        type: 0,
        src: 'function f0(p0) { const ea = (p0 >>> 0) + 0; if (ea + 4 > LEN0) throw trap(1); return DV0.getInt32(ea, true); }',
      },
      {
        type: 1,
        src: 'function f1(p0, p1) { const ea = p0 >>> 0; if (ea + 1 > LEN0) throw trap(1); U80[ea] = p1; }',
      },
      { type: 0, src: 'function f2(p0) { return memoryGrow(MEM0, p0); }' },
    ],
    exports: [exp('load', 0, 0), exp('store8', 0, 1), exp('grow', 0, 2), exp('mem', 2, 0)],
  };

  it('views are refreshed when the memory grows, from wasm or from JS', () => {
    const { exports } = instantiate(build({ ...memSpec, memories: [{ limits: limits(1, 3) }] }));
    const load = exports.load as Fn;
    const store8 = exports.store8 as Fn;
    const mem = exports.mem as Memory;
    expect(exports.mem).toBe(mem);
    expect(() => load(65533)).toThrow(RuntimeError);
    expect((exports.grow as Fn)(1)).toBe(1);
    store8(70000, 5);
    expect(load(70000)).toBe(5);
    mem.grow(1);
    store8(140000, 6);
    expect(new Uint8Array(mem.buffer)[140000]).toBe(6);
    expect((exports.grow as Fn)(1)).toBe(-1);
    expect(() => load(3 * 65536 - 3)).toThrow(RuntimeError);
  });

  it('an imported memory grown by another instance refreshes every instance', () => {
    const mem = new Memory({ initial: 1 });
    const spec = { ...memSpec, imports: [memImport('m', 'mem', 1)] };
    const a = instantiate(build(spec), { m: { mem } }).exports;
    const b = instantiate(build(spec), { m: { mem } }).exports;
    expect(a.mem).toBe(mem);
    (a.grow as Fn)(1);
    (b.store8 as Fn)(70000, 9);
    expect((a.load as Fn)(70000)).toBe(9);
  });
});

describe('tables, ref.func and call_indirect', () => {
  it('REF identity: element segments, ref.func and exports agree', () => {
    const code = build({
      types: [
        { params: [], results: [I32] },
        { params: [I32], results: [I32] },
        { params: [], results: [FUNCREF] },
      ],
      funcs: [
        { type: 0, src: 'function f0() { return 10; }' },
        { type: 0, src: 'function f1() { return 11; }' },
        { type: 1, src: 'function f2(i) { return tableFunc(TBL0, i, SIG0)(); }' },
        { type: 2, src: 'function f3() { return REF1; }' },
      ],
      tables: [{ refType: FUNCREF, limits: limits(3, null), init: null }],
      elements: [activeElem(0, i32c(0), [0, 1])],
      exports: [exp('f0', 0, 0), exp('f1', 0, 1), exp('call', 0, 2), exp('ref', 0, 3), exp('tbl', 1, 0)],
    });
    const { exports } = instantiate(code);
    const tbl = exports.tbl as Table;
    expect(tbl.get(0)).toBe(exports.f0);
    expect(tbl.get(1)).toBe(exports.f1);
    expect(tbl.get(2)).toBe(null);
    expect((exports.ref as Fn)()).toBe(exports.f1);
    expect((exports.call as Fn)(1)).toBe(11);
    expect(() => (exports.call as Fn)(2)).toThrow(RuntimeError);
    expect(() => (exports.call as Fn)(3)).toThrow(RuntimeError);
    tbl.set(2, exports.call);
    expect(() => (exports.call as Fn)(2)).toThrow(/signature mismatch/);
    // A function of another module with an equal type passes the signature check.
    const other = instantiate(
      build({
        types: [{ params: [], results: [I32] }],
        funcs: [{ type: 0, src: 'function f0() { return 99; }' }],
        exports: [exp('f', 0, 0)],
      }),
    ).exports;
    tbl.set(2, other.f);
    expect((exports.call as Fn)(2)).toBe(99);
  });
});

describe('segment initialisation (2.0 order)', () => {
  const types = [{ params: [], results: [] }];
  const funcs = [{ type: 0, src: 'function f0() {}' }];

  it('elements then data; an out-of-bounds segment fails instantiation, earlier writes stay', () => {
    const mem = new Memory({ initial: 1 });
    const tbl = new Table({ element: 'anyfunc', initial: 2 });
    const code = build({
      types,
      imports: [memImport('m', 'mem', 1), tableImport('m', 'tbl', FUNCREF, 1)],
      funcs,
      elements: [activeElem(0, i32c(0), [0]), activeElem(0, i32c(1), [0, 0])],
      data: [activeData(0, i32c(0), 'ab')],
    });
    expect(() => instantiate(code, { m: { mem, tbl } })).toThrow(RuntimeError);
    expect(tbl.get(0)).toBeTypeOf('function');
    expect(tbl.get(1)).toBe(null);
    // Data comes after elements: not written.
    expect(new Uint8Array(mem.buffer)[0]).toBe(0);
  });

  it('functions of a failed instance left in an imported table still see their memory grow', () => {
    const mem = new Memory({ initial: 1 });
    const tbl = new Table({ element: 'anyfunc', initial: 1 });
    const code = build({
      types: [{ params: [I32], results: [I32] }],
      imports: [memImport('m', 'mem', 1), tableImport('m', 'tbl', FUNCREF, 1)],
      funcs: [
        {
          type: 0,
          src: 'function f0(p0) { const ea = p0 >>> 0; if (ea + 1 > LEN0) throw trap(1); return U80[ea]; }',
        },
      ],
      elements: [activeElem(0, i32c(0), [0])],
      data: [activeData(0, i32c(65536), 'x')],
    });
    expect(() => instantiate(code, { m: { mem, tbl } })).toThrow(RuntimeError);
    const load = tbl.get(0) as Fn;
    mem.grow(1);
    new Uint8Array(mem.buffer)[70000] = 3;
    expect(load(70000)).toBe(3);
  });

  it('data segments in order, the failing one is the last write', () => {
    const mem = new Memory({ initial: 1 });
    const code = build({
      imports: [memImport('m', 'mem', 1)],
      data: [activeData(0, i32c(0), 'ab'), activeData(0, i32c(65535), 'cd'), activeData(0, i32c(10), 'x')],
    });
    expect(() => instantiate(code, { m: { mem } })).toThrow('data segment is out of bounds');
    const bytes = new Uint8Array(mem.buffer);
    expect([bytes[0], bytes[1], bytes[65535], bytes[10]]).toEqual([97, 98, 0, 0]);
  });

  it('offsets are unsigned; zero-length segments at the end fit, past the end do not', () => {
    const mem = () => new Memory({ initial: 1 });
    const spec = (off: number) =>
      build({ imports: [memImport('m', 'mem', 1)], data: [activeData(0, i32c(off), [])] });
    expect(() => instantiate(spec(65536), { m: { mem: mem() } })).not.toThrow();
    expect(() => instantiate(spec(65537), { m: { mem: mem() } })).toThrow(RuntimeError);
    expect(() => instantiate(spec(-1), { m: { mem: mem() } })).toThrow(RuntimeError);
  });

  it('the start function runs after segments; a trap in it is a RuntimeError', () => {
    const seen: number[] = [];
    const code = build({
      types: [{ params: [], results: [] }],
      imports: [funcImport('m', 'log', 0)],
      funcs: [{ type: 0, src: 'function f1() { f0(); if (U80[0] !== 7) throw trap(0); }' }],
      memories: [{ limits: limits(1) }],
      data: [activeData(0, i32c(0), [7])],
      start: 1,
    });
    instantiate(code, { m: { log: () => seen.push(1) } });
    expect(seen).toEqual([1]);
    const failing = build({
      types,
      funcs: [{ type: 0, src: 'function f0() { throw trap(0); }' }],
      start: 0,
    });
    expect(() => instantiate(failing)).toThrow(RuntimeError);
  });

  it('passive segments stay for memory.init / table.init; active and declarative ones are dropped', () => {
    const code = build({
      types: [{ params: [I32, I32, I32], results: [] }],
      funcs: [{ type: 0, src: 'function f0(d, s, n) { memoryInit(U80, LEN0, DATA[1], d, s, n); }' }],
      memories: [{ limits: limits(1) }],
      data: [
        activeData(0, i32c(0), 'a'),
        { mode: 'passive', memory: 0, offset: null, bytes: new Uint8Array([1, 2, 3]) },
      ],
      exports: [exp('init', 0, 0), exp('mem', 2, 0)],
    });
    const { exports } = instantiate(code);
    (exports.init as Fn)(100, 1, 2);
    const bytes = new Uint8Array((exports.mem as Memory).buffer);
    expect([bytes[0], bytes[100], bytes[101]]).toEqual([97, 2, 3]);
  });
});
