/**
 * The namespace object and the error classes against Node's native ones:
 * property descriptors and order, function shapes, `Symbol.toStringTag`,
 * receiver independence, NativeError-shaped errors.
 */
import { describe, expect, it } from 'vitest';
import { interfaceParity, keyOrder, native, parityTable, shape } from '../../runtime/test/api-parity.js';
import { createWebAssembly, INVOKE_RAW, WebAssembly as loom } from '../src/index.js';
import { empty } from './modules.js';

const extensions = ['features', INVOKE_RAW];

describe('the WebAssembly namespace', () => {
  it('has the native namespace properties, attributes and order', () => {
    expect(shape(loom, extensions)).toEqual(shape(native));
    expect(keyOrder(loom, extensions)).toEqual(keyOrder(native));
    expect(Object.prototype.toString.call(loom)).toBe('[object WebAssembly]');
    expect(Object.getPrototypeOf(loom)).toBe(Object.prototype);
    expect(typeof loom).toBe('object');
  });

  it('keeps its extensions out of sight: not enumerable, not writable', () => {
    const d = Object.getOwnPropertyDescriptor(loom, 'features')!;
    expect([d.enumerable, d.writable, d.configurable]).toEqual([false, false, false]);
    expect(Object.isFrozen(loom.features)).toBe(true);
    expect(Object.keys(loom)).toEqual(Object.keys(native));
  });

  it('every namespace made by createWebAssembly has the same shape', () => {
    const other = createWebAssembly({ features: { simd: false } });
    expect(shape(other)).toEqual(shape(loom));
    expect(other.Module).not.toBe(loom.Module);
    expect(other.Memory).toBe(loom.Memory);
    expect(other.Instance).toBe(loom.Instance);
    expect(other.CompileError).toBe(loom.CompileError);
  });

  parityTable('functions are not constructors and ignore their receiver', loom, {
    'new compile': (W) => new W.compile(empty),
    'new validate': (W) => new W.validate(empty),
    'new instantiate': (W) => new W.instantiate(empty),
    'new compileStreaming': (W) => new W.compileStreaming(),
    'validate with any this': (W) => [undefined, null, 1, {}, W].map((t) => W.validate.call(t, empty)),
    'compile with a primitive this': (W) => W.compile.call(1, empty),
    'instantiate with null this': (W) =>
      W.instantiate.call(null, empty).then((r: { instance: object }) => r.instance),
    'missing arguments: validate throws': (W) => W.validate(),
    'missing arguments: compile rejects': (W) => W.compile(),
    'missing arguments: instantiate rejects': (W) => W.instantiate(),
    'missing arguments: compileStreaming rejects': (W) => W.compileStreaming(),
    'missing arguments: instantiateStreaming rejects': (W) => W.instantiateStreaming(),
    'promises are plain, extensible Promises': (W) => {
      const p = W.compile(empty);
      return [Object.getPrototypeOf(p) === Promise.prototype, Object.isExtensible(p)];
    },
  });
});

describe('CompileError, LinkError, RuntimeError', () => {
  for (const name of ['CompileError', 'LinkError', 'RuntimeError']) {
    interfaceParity(name, loom);

    parityTable(`${name} instances`, loom, {
      'with new': (W) => {
        const e = new W[name]('msg');
        return [e instanceof Error, e instanceof W[name], e.name, e.message, String(e), Object.keys(e)];
      },
      'without new': (W) => {
        const e = W[name]('msg');
        return [e instanceof W[name], e.message];
      },
      'no message: no own message': (W) =>
        Object.getOwnPropertyNames(new W[name]()).filter((k) => k !== 'stack'),
      'message is converted': (W) => new W[name]({ toString: () => 'converted' }).message,
      'undefined message': (W) => Object.hasOwn(new W[name](undefined), 'message'),
      cause: (W) => {
        const e = new W[name]('m', { cause: 7 });
        const d = Object.getOwnPropertyDescriptor(e, 'cause')!;
        return [d.value, d.enumerable, d.writable];
      },
      'prototype chain': (W) => [
        Object.getPrototypeOf(W[name]) === Error,
        Object.getPrototypeOf(W[name].prototype) === Error.prototype,
        Object.prototype.toString.call(new W[name]()),
      ],
      'has a stack': (W) => typeof new W[name]('x').stack,
      subclass: (W) => {
        class Sub extends W[name] {}
        const e = new Sub('s');
        return [e instanceof Sub, e instanceof W[name], e.message];
      },
    });
  }

  it('the errors wasmloom raises are its own classes', async () => {
    expect(() => new loom.Module(new Uint8Array(0))).toThrow(loom.CompileError);
    await expect(loom.compile(new Uint8Array(0))).rejects.toBeInstanceOf(loom.CompileError);
  });
});
