/**
 * `WebAssembly.Module` against Node's native one: the constructor's argument
 * conversion (BufferSource, copied at call time), compile errors, and the
 * static reflection functions `exports`, `imports`, `customSections`.
 */
import { describe, expect, it } from 'vitest';
import { type AnyNamespace, interfaceParity, native, parityTable } from '../../runtime/test/api-parity.js';
import { WebAssembly as loom } from '../src/index.js';
import {
  badOpcode,
  build,
  empty,
  exp,
  funcType,
  imp,
  invalidBody,
  kind,
  kitchen,
  limits,
} from './modules.js';

function detached(): ArrayBuffer {
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
  return b;
}

describe('WebAssembly.Module', () => {
  interfaceParity('Module', loom);

  parityTable('constructor', loom, {
    'no argument': (W) => new W.Module(),
    undefined: (W) => new W.Module(undefined),
    null: (W) => new W.Module(null),
    number: (W) => new W.Module(1),
    string: (W) => new W.Module('\0asm'),
    'plain object': (W) => new W.Module({}),
    'array of bytes': (W) => new W.Module(Array.from(empty)),
    ArrayBuffer: (W) => new W.Module(empty.slice().buffer),
    Uint8Array: (W) => new W.Module(empty),
    Int32Array: (W) => new W.Module(new Int32Array(empty.slice().buffer)),
    Float64Array: (W) => new W.Module(new Float64Array(empty.slice().buffer)),
    'Node Buffer': (W) => new W.Module(Buffer.from(empty)),
    'view at an offset': (W) => {
      const b = new Uint8Array(empty.length + 5);
      b.set(empty, 3);
      return new W.Module(b.subarray(3, 3 + empty.length));
    },
    SharedArrayBuffer: (W) => new W.Module(new SharedArrayBuffer(8)),
    'detached ArrayBuffer': (W) => new W.Module(detached()),
    'view of a detached buffer': (W) => {
      const b = new ArrayBuffer(8);
      const v = new Uint8Array(b);
      structuredClone(b, { transfer: [b] });
      return new W.Module(v);
    },
    'ArrayBuffer.prototype': (W) => new W.Module(ArrayBuffer.prototype),
    'Module.prototype': (W) => new W.Module(W.Module.prototype),
    empty: (W) => new W.Module(new Uint8Array(0)),
    'bad magic': (W) => new W.Module(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0])),
    'bad version': (W) => new W.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])),
    'malformed body': (W) => new W.Module(badOpcode),
    'invalid body': (W) => new W.Module(invalidBody),
    'stray argument': (W) => new W.Module(empty, {}),
    'every kind of import and export': (W) => new W.Module(kitchen),
  });

  it('copies the bytes at call time', () => {
    for (const W of [native, loom]) {
      const bytes = kitchen.slice();
      const m = new W.Module(bytes);
      bytes.fill(0);
      expect(W.Module.exports(m)).toHaveLength(16);
    }
  });

  it('puts the byte offset (and function) in CompileError messages', () => {
    expect(() => new loom.Module(badOpcode)).toThrow(
      /^WebAssembly\.Module\(\): .*\(at offset 0x[0-9a-f]+, function 0\)$/,
    );
    expect(() => new loom.Module(new Uint8Array(0))).toThrow(
      /^WebAssembly\.Module\(\): .*\(at offset 0x0\)$/,
    );
  });

  it('accepts a DataView (a BufferSource in Web IDL; V8 11.3 refuses it)', () => {
    expect(() => new native.Module(new DataView(empty.slice().buffer))).toThrow(TypeError);
    expect(Object.prototype.toString.call(new loom.Module(new DataView(empty.slice().buffer)))).toBe(
      '[object WebAssembly.Module]',
    );
  });

  it('subclasses and new.target', () => {
    for (const W of [native, loom]) {
      class Sub extends W.Module {}
      const m = new Sub(empty);
      expect(m).toBeInstanceOf(Sub);
      expect(W.Module.exports(m)).toEqual([]);
      expect(new W.Instance(m).exports).toBeDefined();
    }
  });

  parityTable('exports and imports', loom, {
    'kitchen exports': (W) => W.Module.exports(new W.Module(kitchen)),
    'kitchen imports': (W) => W.Module.imports(new W.Module(kitchen)),
    'empty module': (W) => [W.Module.exports(new W.Module(empty)), W.Module.imports(new W.Module(empty))],
    'a fresh array every time': (W) => {
      const m = new W.Module(kitchen);
      const first = W.Module.exports(m);
      return first !== W.Module.exports(m);
    },
    'unicode and empty names': (W) =>
      W.Module.imports(
        new W.Module(
          build({
            types: [funcType([], [])],
            imports: [imp('', '', kind.func, 0), imp('ünï', '😀', kind.memory, ...limits(0))],
            funcs: [0],
            exports: [exp('', kind.func, 1), exp('ß', kind.memory, 0)],
            codes: [[2, 0, 0x0b]],
          }),
        ),
      ),
    'exports without an argument': (W) => W.Module.exports(),
    'imports of a non-module': (W) => W.Module.imports({}),
    'exports of Module.prototype': (W) => W.Module.exports(W.Module.prototype),
    'exports of an object inheriting from Module.prototype': (W) =>
      W.Module.exports(Object.create(W.Module.prototype)),
    'exports with a receiver': (W) => W.Module.exports.call({}, new W.Module(empty)),
  });

  parityTable('customSections', loom, {
    'by name, in order, as ArrayBuffers': (W) => W.Module.customSections(new W.Module(kitchen), 'meta'),
    'one other': (W) => W.Module.customSections(new W.Module(kitchen), 'other'),
    none: (W) => W.Module.customSections(new W.Module(kitchen), 'nope'),
    'fresh copies every time': (W) => {
      const m = new W.Module(kitchen);
      const a = W.Module.customSections(m, 'meta')[0];
      new Uint8Array(a)[0] = 99;
      const b = W.Module.customSections(m, 'meta')[0];
      return [a !== b, new Uint8Array(b)[0]];
    },
    'name converted with ToString': (W) =>
      W.Module.customSections(new W.Module(kitchen), { toString: () => 'meta' }).length,
    'name symbol': (W) => W.Module.customSections(new W.Module(kitchen), Symbol()),
    'name missing': (W) => W.Module.customSections(new W.Module(kitchen)),
    'no arguments': (W) => W.Module.customSections(),
    'not a module, name missing': (W) => W.Module.customSections({}),
    'not a module': (W) => W.Module.customSections({}, 'meta'),
    'name with a lone surrogate': (W) => W.Module.customSections(new W.Module(kitchen), '\ud800'),
  });

  it('customSections: an explicit undefined name is the string "undefined" (Web IDL; V8 11.3 throws)', () => {
    const m = new loom.Module(build({ customs: [['undefined', [1]]] }));
    expect(loom.Module.customSections(m, undefined as never)).toHaveLength(1);
    expect(() => native.Module.customSections(new native.Module(empty), undefined)).toThrow(TypeError);
  });

  it('customSections compares names as strings (WPT: surrogates and U+FFFD)', () => {
    const enc = (s: string) => Array.from(new TextEncoder().encode(s));
    const named = (name: string) => build({ customs: [[name, [7]]] });
    for (const W of [native, loom] as AnyNamespace[]) {
      const a = new W.Module(named('yee\ud801\udc37eey'));
      expect(W.Module.customSections(a, 'yee\ud801\udc37eey')).toHaveLength(1);
      expect(W.Module.customSections(a, 'yee\ufffdeey')).toHaveLength(0);
      const b = new W.Module(named('na\ufffdme'));
      expect(W.Module.customSections(b, 'na\ufffdme')).toHaveLength(1);
      expect(W.Module.customSections(b, 'na\udc01me')).toHaveLength(0);
      expect(W.Module.customSections(b, 'name')).toHaveLength(0);
      expect(enc('na\ufffdme')).toHaveLength(7);
    }
  });

  it('refuses views of a SharedArrayBuffer (Web IDL BufferSource; V8 11.3 reads them)', () => {
    const view = new Uint8Array(new SharedArrayBuffer(empty.length));
    view.set(empty);
    expect(() => new loom.Module(view)).toThrow(TypeError);
    expect(() => loom.validate(view)).toThrow(TypeError);
    expect(native.validate(view)).toBe(true);
  });

  it('customSections checks the module before converting the name', () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      let converted = false;
      const name = {
        toString() {
          converted = true;
          return 'meta';
        },
      };
      expect(() => W.Module.customSections({}, name)).toThrow(TypeError);
      expect(converted).toBe(false);
    }
  });
});
