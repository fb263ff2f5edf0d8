/**
 * `validate`, `compile` and `instantiate` against Node's native ones:
 * BufferSource conversion (copied at call time), never throwing from a
 * promise-returning function, both `instantiate` overloads, the order in
 * which imports are read, and the error class of every failure.
 */
import { describe, expect, it } from 'vitest';
import { type AnyNamespace, native, parityTable } from '../../runtime/test/api-parity.js';
import { createWebAssembly, WebAssembly as loom } from '../src/index.js';
import {
  badOpcode,
  empty,
  importOrder,
  invalidBody,
  kitchen,
  kitchenImports,
  singleImport,
  startCallsImport,
  startImportOrder,
  startTraps,
} from './modules.js';

function detached(): ArrayBuffer {
  const b = empty.slice().buffer;
  structuredClone(b, { transfer: [b] });
  return b;
}

const sources: Record<string, (W: AnyNamespace) => unknown> = {
  undefined: () => undefined,
  null: () => null,
  true: () => true,
  '""': () => '',
  symbol: () => Symbol(),
  '1': () => 1,
  '{}': () => ({}),
  'Module (the class)': (W) => W.Module,
  'Module.prototype': (W) => W.Module.prototype,
  ArrayBuffer: () => ArrayBuffer,
  'ArrayBuffer.prototype': () => ArrayBuffer.prototype,
  'array of bytes': () => Array.from(empty),
  'ArrayBuffer of a valid module': () => empty.slice().buffer,
  'Uint8Array of a valid module': () => empty.slice(),
  'Uint16Array of a valid module': () => new Uint16Array(empty.slice().buffer),
  'BigInt64Array of a valid module': () => new BigInt64Array(empty.slice().buffer),
  'Node Buffer': () => Buffer.from(empty),
  SharedArrayBuffer: () => new SharedArrayBuffer(8),
  'detached ArrayBuffer': () => detached(),
  'empty bytes': () => new Uint8Array(0),
  'malformed body': () => badOpcode,
  'invalid body': () => invalidBody,
};

describe('validate', () => {
  const cases: Record<string, (W: AnyNamespace) => unknown> = {};
  for (const [label, source] of Object.entries(sources)) cases[label] = (W) => W.validate(source(W));
  cases['kitchen (every section kind)'] = (W) => W.validate(kitchen);
  cases['truncated kitchen'] = (W) =>
    [...Array(kitchen.length).keys()].filter((n) => W.validate(kitchen.subarray(0, n)));
  cases['stray argument'] = (W) => W.validate(empty, {});
  parityTable('every kind of argument', loom, cases);

  it('follows the namespace features', () => {
    const simd = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b]);
    expect(loom.validate(simd)).toBe(true);
    expect(createWebAssembly({ features: { simd: false } }).validate(simd)).toBe(false);
  });
});

describe('compile', () => {
  const cases: Record<string, (W: AnyNamespace) => unknown> = {};
  for (const [label, source] of Object.entries(sources)) cases[label] = (W) => W.compile(source(W));
  cases['a Module is not a BufferSource'] = (W) => W.compile(new W.Module(empty));
  cases['resolves to a Module of the namespace'] = (W) =>
    W.compile(kitchen).then((m: object) => [m instanceof W.Module, W.Module.exports(m).length]);
  parityTable('every kind of argument: a promise, never a throw', loom, cases);

  it('copies the bytes at call time', async () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const bytes = kitchen.slice();
      const promise = W.compile(bytes);
      bytes.fill(0);
      const m = await promise;
      expect(W.Module.exports(m)).toHaveLength(16);
      const bad = new Uint8Array(4);
      const p2 = W.compile(bad);
      bad.set(empty.subarray(0, 4));
      await expect(p2).rejects.toBeInstanceOf(W.CompileError);
    }
  });

  it('CompileError messages name the call and the byte offset', async () => {
    await expect(loom.compile(badOpcode)).rejects.toThrow(
      /^WebAssembly\.compile\(\): .*\(at offset 0x[0-9a-f]+, function 0\)$/,
    );
  });

  it('an unsupported local type is reported at the start of its function body, not at offset 0', async () => {
    // (func (local v128)): type section, function section, code section with one body.
    const bytes = new Uint8Array([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 1, 1, 0x7b, 0x0b,
    ]);
    const bodyStart = bytes.length - 4;
    await expect(loom.compile(bytes)).rejects.toThrow(
      `unsupported: SIMD (v128) is not implemented by wasmloom yet (at offset 0x${bodyStart.toString(16)}, function 0)`,
    );
  });
});

describe('instantiate', () => {
  const cases: Record<string, (W: AnyNamespace) => unknown> = {};
  for (const [label, source] of Object.entries(sources)) cases[label] = (W) => W.instantiate(source(W));
  Object.assign(cases, {
    'bytes: {module, instance}': (W: AnyNamespace) =>
      W.instantiate(kitchen, kitchenImports(W)).then((r: { module: object; instance: object }) => [
        Object.keys(r),
        Object.getPrototypeOf(r) === Object.prototype,
        r.module instanceof W.Module,
        r.instance instanceof W.Instance,
      ]),
    'Module: an Instance': (W: AnyNamespace) =>
      W.instantiate(new W.Module(empty)).then((i: object) => [i instanceof W.Instance, Object.keys(i)]),
    'bytes, imports not an object': (W: AnyNamespace) => W.instantiate(empty, 1),
    'Module, imports not an object': (W: AnyNamespace) => W.instantiate(new W.Module(empty), 1),
    'invalid bytes, imports not an object': (W: AnyNamespace) => W.instantiate(badOpcode, 1),
    'bytes, imports null': (W: AnyNamespace) => W.instantiate(empty, null),
    'bytes, missing imports': (W: AnyNamespace) => W.instantiate(startCallsImport),
    'Module, missing imports': (W: AnyNamespace) => W.instantiate(new W.Module(startCallsImport)),
    'bytes, a LinkError': (W: AnyNamespace) => W.instantiate(singleImport(0, 0), { m: { x: 1 } }),
    'Module, a LinkError': (W: AnyNamespace) =>
      W.instantiate(new W.Module(singleImport(0, 0)), { m: { x: 1 } }),
    'bytes, the start function traps': (W: AnyNamespace) => W.instantiate(startTraps),
    'Module, the start function traps': (W: AnyNamespace) => W.instantiate(new W.Module(startTraps)),
    'the start function throws from JS': (W: AnyNamespace) =>
      W.instantiate(startCallsImport, {
        env: {
          f() {
            throw new SyntaxError('js');
          },
        },
      }),
    'stray argument': (W: AnyNamespace) => W.instantiate(empty, {}, {}).then((r: object) => Object.keys(r)),
  });
  parityTable('every kind of argument: a promise, never a throw', loom, cases);

  it('with a Module, reads the imports during the call and instantiates later', async () => {
    const [expected, actual] = await Promise.all(
      [native, loom].map(async (W: AnyNamespace) => {
        const order: string[] = [];
        const promise = W.instantiate(new W.Module(importOrder), {
          get module() {
            order.push('module');
            return { global1: 0, global2: 0, memory: new W.Memory({ initial: 0, maximum: 128 }) };
          },
          get module2() {
            order.push('module2');
            return { global3: 0 };
          },
        });
        order.push('returned');
        await promise;
        order.push('settled');
        return order;
      }),
    );
    expect(actual).toEqual(expected);
  });

  it('with bytes, reads the imports after compiling', async () => {
    const [expected, actual] = await Promise.all(
      [native, loom].map((W: AnyNamespace) =>
        startImportOrder((imports) => W.instantiate(startCallsImport, imports)),
      ),
    );
    expect(actual).toEqual(expected);
  });

  it('an imports getter that throws rejects with what it threw', async () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const boom = new Error('boom');
      const imports = {
        get env() {
          throw boom;
        },
      };
      await expect(W.instantiate(new W.Module(startCallsImport), imports)).rejects.toBe(boom);
      await expect(W.instantiate(startCallsImport, imports)).rejects.toBe(boom);
    }
  });

  it('copies the bytes at call time', async () => {
    for (const W of [native, loom] as AnyNamespace[]) {
      const bytes = empty.slice();
      const promise = W.instantiate(bytes);
      bytes[0] = 1;
      const { instance } = await promise;
      expect(instance).toBeInstanceOf(W.Instance);
    }
  });
});
