import { describe, expect, it } from 'vitest';
import { CompileError, createWebAssembly, LinkError, RuntimeError, WebAssembly as WA } from '../src/index.js';
import { body, module, section, str, vec } from './wasm-bytes.js';

const empty = module();

/** Imports of every kind, exports of every kind, two custom sections named "meta" and one "other". */
const rich = module(
  section(0, [...str('meta'), 1, 2, 3]),
  section(
    1,
    vec([
      [0x60, 1, 0x7f, 0],
      [0x60, 0, 1, 0x7f],
    ]),
  ),
  section(
    2,
    vec([
      [...str('env'), ...str('log'), 0, 0],
      [...str('env'), ...str('tbl'), 1, 0x70, 0, 1],
      [...str('env'), ...str('mem'), 2, 0, 1],
      [...str('env'), ...str('g'), 3, 0x7f, 0],
      [...str('env'), ...str('tag'), 4, 0, 0],
    ]),
  ),
  section(3, vec([[1]])),
  section(13, vec([[0, 0]])),
  section(6, vec([[0x7e, 1, 0x42, 5, 0x0b]])),
  section(
    7,
    vec([
      [...str('answer'), 0, 1],
      [...str('table'), 1, 0],
      [...str('memory'), 2, 0],
      [...str('counter'), 3, 1],
      [...str('oops'), 4, 1],
    ]),
  ),
  section(10, vec([body(0x41, 42, 0x0b)])),
  section(0, [...str('other'), 9]),
  section(0, [...str('meta'), 4, 5]),
);

/** A function body with an opcode that does not exist (0xff), at a known offset. */
const badOpcode = module(
  section(1, vec([[0x60, 0, 0]])),
  section(3, vec([[0]])),
  section(10, vec([body(0xff, 0x0b)])),
);
const twoMemories = module(
  section(
    5,
    vec([
      [0, 1],
      [0, 1],
    ]),
  ),
);

describe('validate', () => {
  it('accepts well-formed modules from any BufferSource', () => {
    // The fixtures are real modules: Node's engine agrees.
    expect(globalThis.WebAssembly.validate(rich)).toBe(true);
    expect(globalThis.WebAssembly.validate(badOpcode)).toBe(false);
    expect(WA.validate(empty)).toBe(true);
    expect(WA.validate(rich)).toBe(true);
    expect(WA.validate(rich.buffer)).toBe(true);
    expect(WA.validate(new DataView(rich.buffer))).toBe(true);
    const padded = new Uint8Array(rich.length + 8);
    padded.set(rich, 3);
    expect(WA.validate(padded.subarray(3, 3 + rich.length))).toBe(true);
  });

  it('is false for malformed or invalid modules', () => {
    expect(WA.validate(new Uint8Array([0, 0x61, 0x73, 0x6d]))).toBe(false);
    expect(WA.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toBe(false);
    expect(WA.validate(new Uint8Array(0))).toBe(false);
    expect(WA.validate(badOpcode)).toBe(false);
    expect(WA.validate(twoMemories)).toBe(false);
  });

  it('throws TypeError for what is not a BufferSource', () => {
    for (const x of [undefined, null, 1, 'wasm', {}, [0, 97, 115, 109], new SharedArrayBuffer(8)]) {
      expect(() => WA.validate(x as never)).toThrow(TypeError);
    }
  });
});

describe('Module', () => {
  it('reflects imports and exports with their kinds', () => {
    const m = new WA.Module(rich);
    expect(WA.Module.imports(m)).toEqual([
      { module: 'env', name: 'log', kind: 'function' },
      { module: 'env', name: 'tbl', kind: 'table' },
      { module: 'env', name: 'mem', kind: 'memory' },
      { module: 'env', name: 'g', kind: 'global' },
      { module: 'env', name: 'tag', kind: 'tag' },
    ]);
    expect(WA.Module.exports(m)).toEqual([
      { name: 'answer', kind: 'function' },
      { name: 'table', kind: 'table' },
      { name: 'memory', kind: 'memory' },
      { name: 'counter', kind: 'global' },
      { name: 'oops', kind: 'tag' },
    ]);
    expect(WA.Module.imports(new WA.Module(empty))).toEqual([]);
  });

  it('returns copies of the custom sections of a name, in order', () => {
    const m = new WA.Module(rich);
    const meta = WA.Module.customSections(m, 'meta');
    expect(meta.map((b) => Array.from(new Uint8Array(b)))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(meta[0]).toBeInstanceOf(ArrayBuffer);
    new Uint8Array(meta[0])[0] = 99;
    expect(new Uint8Array(WA.Module.customSections(m, 'meta')[0])[0]).toBe(1);
    expect(WA.Module.customSections(m, 'other').length).toBe(1);
    expect(WA.Module.customSections(m, 'name')).toEqual([]);
    expect(() => (WA.Module.customSections as (m: object) => unknown)(m)).toThrow(TypeError);
  });

  it('keeps its own copy of the bytes', () => {
    const bytes = rich.slice();
    const m = new WA.Module(bytes);
    bytes.fill(0);
    expect(WA.Module.exports(m)).toHaveLength(5);
  });

  it('brand-checks its static functions and needs `new`', () => {
    expect(() => WA.Module.exports({})).toThrow(TypeError);
    expect(() => WA.Module.imports(null as never)).toThrow(TypeError);
    expect(() => (WA.Module as unknown as () => void)()).toThrow(TypeError);
    expect(() => new (WA.Module as unknown as new () => object)()).toThrow(TypeError);
    expect(Object.prototype.toString.call(new WA.Module(empty))).toBe('[object WebAssembly.Module]');
  });

  it('throws CompileError with the byte offset', () => {
    let error: unknown;
    try {
      new WA.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toBeInstanceOf(WA.CompileError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\(at offset 0x4\)$/);
  });

  it('names the function and offset of a malformed body', () => {
    // header 8 + type section 6 + function section 4 + code section id, size, count, body size, locals = 23
    expect(() => new WA.Module(badOpcode)).toThrow(/at offset 0x17, function 0\)/);
  });
});

describe('compile', () => {
  it('resolves to a Module', async () => {
    const m = await WA.compile(rich);
    expect(m).toBeInstanceOf(WA.Module);
    expect(WA.Module.exports(m)).toHaveLength(5);
  });

  it('rejects with CompileError or TypeError, never throws', async () => {
    await expect(WA.compile(badOpcode)).rejects.toBeInstanceOf(CompileError);
    const p = WA.compile(42 as never);
    await expect(p).rejects.toBeInstanceOf(TypeError);
  });

  it('copies the bytes when called', async () => {
    const bytes = rich.slice();
    const p = WA.compile(bytes);
    bytes.fill(0);
    expect(WA.Module.exports(await p)).toHaveLength(5);
  });
});

/** (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) and a trapping "boom". */
const adder = module(
  section(
    1,
    vec([
      [0x60, 2, 0x7f, 0x7f, 1, 0x7f],
      [0x60, 0, 0],
    ]),
  ),
  section(3, vec([[0], [1]])),
  section(
    7,
    vec([
      [...str('add'), 0, 0],
      [...str('boom'), 0, 1],
    ]),
  ),
  section(10, vec([body(0x20, 0, 0x20, 1, 0x6a, 0x0b), body(0x00, 0x0b)])),
);

describe('instantiation', () => {
  it('Instance runs exported functions; traps are RuntimeErrors', () => {
    const instance = new WA.Instance(new WA.Module(adder), {}) as {
      exports: Record<string, CallableFunction>;
    };
    expect(instance.exports.add(2, 40)).toBe(42);
    expect(instance.exports.add(0x7fffffff, 1)).toBe(-0x80000000);
    expect(() => instance.exports.boom()).toThrow(RuntimeError);
    expect(Object.isFrozen(instance.exports)).toBe(true);
    expect(Object.getPrototypeOf(instance.exports)).toBe(null);
    expect(() => new WA.Instance({}, {})).toThrow(TypeError);
  });

  it('instantiate: bytes give {module, instance}, a Module gives an Instance, bad bytes a CompileError', async () => {
    await expect(WA.instantiate(badOpcode)).rejects.toBeInstanceOf(CompileError);
    const { module: m, instance } = (await WA.instantiate(adder)) as { module: object; instance: object };
    expect(m).toBeInstanceOf(WA.Module);
    expect(instance).toBeInstanceOf(WA.Instance);
    expect(await WA.instantiate(new WA.Module(empty))).toBeInstanceOf(WA.Instance);
  });
});

describe('errors', () => {
  it('are Error subclasses named as in the JS API', () => {
    for (const [E, name] of [
      [CompileError, 'CompileError'],
      [LinkError, 'LinkError'],
      [RuntimeError, 'RuntimeError'],
    ] as const) {
      const e = new E('boom');
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(Object.hasOwn(e, 'name')).toBe(false);
      expect(e.message).toBe('boom');
      expect(String(e)).toBe(`${name}: boom`);
      expect(Object.getOwnPropertyDescriptor(E.prototype, 'name')?.enumerable).toBe(false);
    }
    expect(WA.LinkError).toBe(LinkError);
    expect(WA.RuntimeError).toBe(RuntimeError);
  });
});

describe('createWebAssembly', () => {
  it('compiles with the features it is given', () => {
    const plain = createWebAssembly();
    const multi = createWebAssembly({ features: { multiMemory: true } });
    expect(plain.validate(twoMemories)).toBe(false);
    expect(multi.validate(twoMemories)).toBe(true);
    expect(WA.Module.exports(new multi.Module(twoMemories))).toEqual([]);
    expect(multi.features.multiMemory).toBe(true);
  });

  it('closes features under their dependencies and refuses unknown names', () => {
    expect(createWebAssembly({ features: { gc: true } }).features.functionReferences).toBe(true);
    expect(() => createWebAssembly({ features: { multimemory: true } as never })).toThrow(/unknown feature/);
    expect(() => createWebAssembly({ features: { simd: 1 } as never })).toThrow(TypeError);
  });

  it('has the JS API shapes: lengths, names, enumerable functions', () => {
    expect(WA.Module.length).toBe(1);
    expect(WA.Module.name).toBe('Module');
    expect(WA.Module.exports.length).toBe(1);
    expect(WA.Module.customSections.length).toBe(2);
    expect(WA.validate.length).toBe(1);
    expect(Object.getOwnPropertyDescriptor(WA, 'validate')).toMatchObject({
      enumerable: true,
      writable: true,
    });
    expect(Object.getOwnPropertyDescriptor(WA.Module, 'exports')?.enumerable).toBe(true);
  });

  it('shares error classes and the module brand across namespaces', () => {
    const a = createWebAssembly();
    const b = createWebAssembly({ features: { memory64: true } });
    expect(a.CompileError).toBe(b.CompileError);
    expect(b.Module.exports(new a.Module(rich))).toHaveLength(5);
    expect(Object.prototype.toString.call(a)).toBe('[object WebAssembly]');
  });
});
