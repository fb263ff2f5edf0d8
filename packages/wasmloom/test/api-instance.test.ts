/**
 * `WebAssembly.Instance` against Node's native one: reading the imports (in
 * order, getters that throw, every wrong kind of value), the exports object,
 * exported functions, and the objects behind exported memories, tables,
 * globals and tags, also after they change.
 */
import { describe, expect, it } from 'vitest';
import {
  type AnyNamespace,
  interfaceParity,
  native,
  parity,
  parityTable,
} from '../../runtime/test/api-parity.js';
import { WebAssembly as loom } from '../src/index.js';
import {
  build,
  empty,
  exp,
  FUNCREF,
  funcType,
  growable,
  I32,
  I64,
  imp,
  importOrder,
  kind,
  kitchen,
  kitchenImports,
  limits,
  singleImport,
  startCallsImport,
  startTraps,
  v128Global,
} from './modules.js';

function kitchenInstance(W: AnyNamespace, log: unknown[] = []) {
  const imports = kitchenImports(W, log);
  return { imports, instance: new W.Instance(new W.Module(kitchen), imports) };
}

describe('WebAssembly.Instance', () => {
  interfaceParity('Instance', loom);

  parityTable('constructor arguments', loom, {
    'no arguments': (W) => new W.Instance(),
    'not a module': (W) => new W.Instance({}),
    'Module.prototype': (W) => new W.Instance(W.Module.prototype),
    'module only': (W) => new W.Instance(new W.Module(empty)),
    'undefined imports': (W) => new W.Instance(new W.Module(empty), undefined),
    'empty imports': (W) => new W.Instance(new W.Module(empty), {}),
    'null imports': (W) => new W.Instance(new W.Module(empty), null),
    'number imports': (W) => new W.Instance(new W.Module(empty), 1),
    'string imports': (W) => new W.Instance(new W.Module(empty), 'x'),
    'function as imports object': (W) =>
      new W.Instance(
        new W.Module(startCallsImport),
        Object.assign(() => {}, { env: { f() {} } }),
      ),
    'function as a module namespace': (W) =>
      new W.Instance(new W.Module(startCallsImport), { env: Object.assign(() => {}, { f() {} }) }),
    'imports needed, none given': (W) => new W.Instance(new W.Module(startCallsImport)),
    'imports needed, undefined given': (W) => new W.Instance(new W.Module(startCallsImport), undefined),
    'missing module namespace': (W) => new W.Instance(new W.Module(startCallsImport), {}),
    'module namespace with a wrong name': (W) =>
      new W.Instance(new W.Module(startCallsImport), { 'env\0': { f() {} } }),
    'start function traps': (W) => new W.Instance(new W.Module(startTraps)),
    'start function calls a throwing import': (W) =>
      new W.Instance(new W.Module(startCallsImport), {
        env: {
          f() {
            throw new RangeError('from JS');
          },
        },
      }),
  });

  // The WPT's bad-imports list (wasm/jsapi/bad-imports.js), per import kind.
  const badImports: Record<string, (W: AnyNamespace) => unknown> = {};
  const values: [string, (W: AnyNamespace) => unknown][] = [
    ['undefined', () => undefined],
    ['null', () => null],
    ['true', () => true],
    ['""', () => ''],
    ['symbol', () => Symbol()],
    ['1', () => 1],
    ['0.1', () => 0.1],
    ['NaN', () => Number.NaN],
    ['1n', () => 1n],
    ['{}', () => ({})],
    ['a JS function', () => () => {}],
    ['WebAssembly.Global', (W) => W.Global],
    ['Global.prototype', (W) => W.Global.prototype],
    ['Object.create(Global.prototype)', (W) => Object.create(W.Global.prototype)],
    ['Global f32', (W) => new W.Global({ value: 'f32' })],
    ['Global i32', (W) => new W.Global({ value: 'i32' })],
    ['Global i32 mutable', (W) => new W.Global({ value: 'i32', mutable: true })],
    ['WebAssembly.Memory', (W) => W.Memory],
    ['Memory.prototype', (W) => W.Memory.prototype],
    ['Memory too large', (W) => new W.Memory({ initial: 256 })],
    ['Memory fitting', (W) => new W.Memory({ initial: 1, maximum: 128 })],
    ['Memory without maximum', (W) => new W.Memory({ initial: 1 })],
    ['Memory shared', (W) => new W.Memory({ initial: 1, maximum: 128, shared: true })],
    ['WebAssembly.Table', (W) => W.Table],
    ['Table.prototype', (W) => W.Table.prototype],
    ['Table too large', (W) => new W.Table({ element: 'anyfunc', initial: 256 })],
    ['Table fitting', (W) => new W.Table({ element: 'anyfunc', initial: 1, maximum: 128 })],
    ['Table externref', (W) => new W.Table({ element: 'externref', initial: 1, maximum: 128 })],
    ['Tag ()', (W) => new W.Tag({ parameters: [] })],
    ['Tag (i32)', (W) => new W.Tag({ parameters: ['i32'] })],
  ];
  const importKinds: [string, Uint8Array][] = [
    ['function () -> ()', singleImport(kind.func, 0)],
    ['global i32', singleImport(kind.global, I32, 0)],
    ['global i64', singleImport(kind.global, I64, 0)],
    ['global i32 mutable', singleImport(kind.global, I32, 1)],
    ['memory 0..128', singleImport(kind.memory, ...limits(0, 128))],
    ['table anyfunc 0..128', singleImport(kind.table, FUNCREF, ...limits(0, 128))],
    ['tag ()', singleImport(kind.tag, 0, 0)],
  ];
  for (const [kindLabel, bytes] of importKinds) {
    for (const [valueLabel, value] of values) {
      badImports[`${kindLabel} from ${valueLabel}`] = (W) =>
        new W.Instance(new W.Module(bytes), { m: { x: value(W) } }).exports;
    }
  }
  parityTable('import values of every kind (WPT bad-imports and more)', loom, badImports);

  it('reads each import from the imports object in order, the module object once per import', () => {
    const [expected, actual] = [native, loom].map((W: AnyNamespace) => {
      const order: string[] = [];
      const imports = {
        get module() {
          order.push('module getter');
          return {
            get global1() {
              order.push('global1 getter');
              return 0;
            },
            get global2() {
              order.push('global2 getter');
              return 0;
            },
            get memory() {
              order.push('memory getter');
              return new W.Memory({ initial: 64, maximum: 128 });
            },
          };
        },
        get module2() {
          order.push('module2 getter');
          return {
            get global3() {
              order.push('global3 getter');
              return 0;
            },
          };
        },
        get unused() {
          order.push('unused getter');
          return {};
        },
      };
      new W.Instance(new W.Module(importOrder), imports);
      return order;
    });
    expect(actual).toEqual(expected);
    expect(actual).toEqual([
      'module getter',
      'global1 getter',
      'module2 getter',
      'global3 getter',
      'module getter',
      'memory getter',
      'module getter',
      'global2 getter',
    ]);
  });

  it('propagates what an imports getter throws, as it is', () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const boom = new Error('boom');
      const thrower = {
        get env() {
          throw boom;
        },
      };
      expect(() => new W.Instance(new W.Module(startCallsImport), thrower)).toThrow(boom);
      const inner = {
        env: {
          get f() {
            throw boom;
          },
        },
      };
      expect(() => new W.Instance(new W.Module(startCallsImport), inner)).toThrow(boom);
      // A proxy whose get traps throws a non-Error.
      const proxy = new Proxy(
        {},
        {
          get() {
            throw 42;
          },
        },
      );
      let thrown: unknown;
      try {
        new W.Instance(new W.Module(startCallsImport), proxy);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBe(42);
    }
  });

  parity('a link error is reported only after every import was read', loom, (W) => {
    const order: string[] = [];
    const bytes = build({
      types: [funcType([], [])],
      imports: [imp('m', 'a', kind.global, I32, 1), imp('m', 'b', kind.func, 0)],
    });
    try {
      new W.Instance(new W.Module(bytes), {
        m: {
          get a() {
            order.push('a');
            return 1; // a mutable global needs a WebAssembly.Global: a matching error
          },
          get b() {
            order.push('b');
            return () => {};
          },
        },
      });
    } catch (e) {
      order.push((e as Error).constructor === W.LinkError ? 'LinkError' : String(e));
    }
    return order;
  });

  parityTable('the exports object', loom, {
    'null prototype, frozen, the same object each time': (W) => {
      const { instance } = kitchenInstance(W);
      const e = instance.exports;
      return [Object.getPrototypeOf(e), Object.isFrozen(e), Object.isExtensible(e), e === instance.exports];
    },
    'keys in export order': (W) => Object.keys(kitchenInstance(W).instance.exports),
    'property attributes': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return Object.keys(e).map((k) => {
        const d = Object.getOwnPropertyDescriptor(e, k)!;
        return [k, d.writable, d.enumerable, d.configurable];
      });
    },
    'cannot be changed': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return [
        Reflect.set(e, 'add64', 1),
        Reflect.deleteProperty(e, 'add64'),
        Reflect.defineProperty(e, 'z', { value: 1 }),
      ];
    },
    'kinds of the values': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return Object.keys(e).map((k) => Object.prototype.toString.call(e[k]));
    },
    'the exports getter is brand-checked': (W) =>
      Object.getOwnPropertyDescriptor(W.Instance.prototype, 'exports')!.get!.call(
        Object.create(W.Instance.prototype),
      ),
    'empty module': (W) => new W.Instance(new W.Module(empty)).exports,
  });

  parityTable('exported functions', loom, {
    'name is the function index, length the parameter count': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return ['add64', 'callF', 'fmul', 'getG', 'trap', 'size', 'callIndirect1', 'grow1'].map((k) => [
        e[k].name,
        e[k].length,
      ]);
    },
    'not constructors, no prototype property': (W) => {
      const f = kitchenInstance(W).instance.exports.add64;
      let constructible = true;
      try {
        new f(1, 2n);
      } catch {
        constructible = false;
      }
      return [constructible, Object.hasOwn(f, 'prototype'), Object.getPrototypeOf(f) === Function.prototype];
    },
    'own properties of an exported function': (W) => {
      const f = kitchenInstance(W).instance.exports.add64;
      // V8's sloppy-function `arguments`/`caller` quirk is not part of the JS API.
      const keys = Reflect.ownKeys(f).filter((k) => k !== 'arguments' && k !== 'caller');
      return keys.map((k) => {
        const d = Object.getOwnPropertyDescriptor(f, k)!;
        return [String(k), d.writable, d.enumerable, d.configurable];
      });
    },
    'the same function under two names': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return e.add64 === e.alias;
    },
    'i32 and i64 arguments and result': (W) => {
      const f = kitchenInstance(W).instance.exports.add64;
      return [
        f(1, 2n),
        f(-1, 2n ** 63n - 1n),
        f('5', '7'),
        f(2 ** 32 + 1, -1n),
        f({ valueOf: () => 3 }, { valueOf: () => 4n }),
      ];
    },
    'missing arguments are undefined': (W) => kitchenInstance(W).instance.exports.fmul(),
    'extra arguments are ignored': (W) => kitchenInstance(W).instance.exports.fmul(0.1, 2, 3),
    'i64 from a Number is a TypeError': (W) => kitchenInstance(W).instance.exports.add64(1, 2),
    'i64 from undefined is a TypeError': (W) => kitchenInstance(W).instance.exports.add64(1),
    'i32 from a BigInt is a TypeError': (W) => kitchenInstance(W).instance.exports.add64(1n, 2n),
    'f32 rounding': (W) => kitchenInstance(W).instance.exports.fmul(0.1, 1),
    'this is ignored': (W) => kitchenInstance(W).instance.exports.getG.call({ x: 1 }),
    'calls its JS import with undefined this and converted arguments': (W) => {
      const seen: unknown[] = [];
      const imports = kitchenImports(W);
      imports.env.f = function (this: unknown, ...args: unknown[]) {
        seen.push(this === undefined, args.length);
      };
      new W.Instance(new W.Module(kitchen), imports).exports.callF();
      return seen;
    },
    'a trap is a RuntimeError': (W) => kitchenInstance(W).instance.exports.trap(),
    'a trap is a new RuntimeError each time': (W) => {
      const f = kitchenInstance(W).instance.exports.trap;
      const errors: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          f();
        } catch (e) {
          errors.push(e);
        }
      }
      return [errors[0] !== errors[1], errors[0] instanceof W.RuntimeError];
    },
    'an import throwing propagates the same value': (W) => {
      const imports = kitchenImports(W);
      const thrown = { marker: true };
      imports.env.f = () => {
        throw thrown;
      };
      try {
        new W.Instance(new W.Module(kitchen), imports).exports.callF();
      } catch (e) {
        return e === thrown;
      }
      return 'no throw';
    },
    'the imported global is read through its value': (W) => kitchenInstance(W).instance.exports.getG(),
    'call_indirect through the imported table': (W) => kitchenInstance(W).instance.exports.callIndirect1(),
    'table.get gives the exported function itself': (W) => {
      const { imports, instance } = kitchenInstance(W);
      return imports.env.tbl.get(0) === instance.exports.add64;
    },
    'a wasm function imported into another instance keeps its identity': (W) => {
      const { instance } = kitchenInstance(W);
      const reexport = build({
        types: [funcType([I32, I64], [I64])],
        imports: [imp('m', 'f', kind.func, 0)],
        exports: [exp('f', kind.func, 0)],
      });
      const other = new W.Instance(new W.Module(reexport), { m: { f: instance.exports.add64 } });
      return [other.exports.f === instance.exports.add64, other.exports.f(1, 1n)];
    },
    'a wasm function of the wrong type': (W) => {
      const { instance } = kitchenInstance(W);
      return new W.Instance(new W.Module(startCallsImport), { env: { f: instance.exports.add64 } });
    },
  });

  parityTable('exported memories, tables, globals, tags', loom, {
    'a re-exported import is the same object': (W) => {
      const { imports, instance } = kitchenInstance(W);
      const e = instance.exports;
      return [e.mem === imports.env.mem, e.tbl === imports.env.tbl, e.tag === imports.env.tag];
    },
    'an imported number global is exported as a new Global': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return [e.g instanceof W.Global, e.g.value, e.answer.value, e.counter.value];
    },
    'data segments are in the memory': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return Array.from(new Uint8Array(e.mem.buffer, 16, 2));
    },
    'globals: mutable i64 set from JS, immutable refused': (W) => {
      const e = kitchenInstance(W).instance.exports;
      e.counter.value = -3n;
      let refused = '';
      try {
        e.answer.value = 1;
      } catch (err) {
        refused = (err as Error).constructor.name;
      }
      return [e.counter.value, refused];
    },
    'exports read after memory.grow from wasm': (W) => {
      const { instance } = kitchenInstance(W);
      const e = instance.exports;
      const before = e.mem.buffer;
      const old = e.grow1();
      return [old, before.byteLength, e.mem.buffer.byteLength, e.size(), e.mem === instance.exports.mem];
    },
    'exports read after Memory.grow from JS': (W) => {
      const { instance } = kitchenInstance(W);
      const e = instance.exports;
      const before = e.mem.buffer;
      e.mem.grow(2);
      return [
        before.byteLength,
        e.mem.buffer.byteLength,
        e.size(),
        Array.from(new Uint8Array(e.mem.buffer, 16, 2)),
      ];
    },
    'wasm sees JS writes to the buffer': (W) => {
      const e = new W.Instance(new W.Module(growable)).exports;
      const b = new Uint8Array(e.m.buffer);
      b[100] = 200;
      return [e.load(100), e.load(3)];
    },
    'memory.grow from wasm past the maximum': (W) => {
      const e = new W.Instance(new W.Module(growable)).exports;
      return [e.grow(5), e.grow(1), e.grow(1), e.m.buffer.byteLength];
    },
    'a defined tag is a Tag, distinct from the imported one': (W) => {
      const e = kitchenInstance(W).instance.exports;
      return [e.dtag instanceof W.Tag, e.dtag !== e.tag, Object.prototype.toString.call(e.dtag)];
    },
    'an exported tag can be imported elsewhere': (W) => {
      const e = kitchenInstance(W).instance.exports;
      const bytes = build({
        types: [funcType([I32], [])],
        imports: [imp('m', 'x', kind.tag, 0, 0)],
        exports: [exp('t', kind.tag, 0)],
      });
      const other = new W.Instance(new W.Module(bytes), { m: { x: e.dtag } });
      return other.exports.t === e.dtag;
    },
    'a tag of another type does not link': (W) => {
      const bytes = build({ types: [funcType([I64], [])], imports: [imp('m', 'x', kind.tag, 0, 0)] });
      return new W.Instance(new W.Module(bytes), { m: { x: new W.Tag({ parameters: ['i32'] }) } });
    },
    'an Exception with an exported tag': (W) => {
      const e = kitchenInstance(W).instance.exports;
      const x = new W.Exception(e.dtag, [42]);
      return [x.is(e.dtag), x.getArg(e.dtag, 0), x.is(e.tag)];
    },
    'v128 global: value and valueOf are TypeErrors': (W) => {
      const e = new W.Instance(new W.Module(v128Global)).exports;
      const seen: string[] = [];
      for (const f of [() => e.v.value, () => e.v.valueOf(), () => (e.v.value = 1)]) {
        try {
          f();
          seen.push('ok');
        } catch (err) {
          seen.push((err as Error).constructor.name);
        }
      }
      return seen;
    },
  });

  it('start functions run during construction, before the exports exist', () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const calls: string[] = [];
      new W.Instance(new W.Module(startCallsImport), { env: { f: () => calls.push('start') } });
      expect(calls).toEqual(['start']);
    }
  });
});
