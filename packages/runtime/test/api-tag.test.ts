/**
 * `WebAssembly.Tag` and `WebAssembly.Exception` against Node's native ones.
 * wasmloom does not compile the exception-handling instructions; these are
 * the JS-side objects, complete on their own (see src/api/tag.ts).
 */
import { describe, expect, it } from 'vitest';
import { CompileError, LinkError, RuntimeError } from '../src/errors.js';
import { Exception, Tag } from '../src/index.js';
import { type AnyNamespace, interfaceParity, native, parityTable } from './api-parity.js';

const loom: AnyNamespace = { Tag, Exception, CompileError, LinkError, RuntimeError };

describe('WebAssembly.Tag', () => {
  interfaceParity('Tag', loom);

  parityTable('constructor', loom, {
    'no argument': (W) => new W.Tag(),
    'empty descriptor': (W) => new W.Tag({}),
    null: (W) => new W.Tag(null),
    number: (W) => new W.Tag(1),
    'no parameters': (W) => new W.Tag({ parameters: [] }),
    'every number type': (W) => new W.Tag({ parameters: ['i32', 'i64', 'f32', 'f64'] }),
    'reference types': (W) => new W.Tag({ parameters: ['externref', 'anyfunc'] }),
    'unknown type': (W) => new W.Tag({ parameters: ['x'] }),
    'funcref is not a ValueType': (W) => new W.Tag({ parameters: ['funcref'] }),
    'parameters not iterable': (W) => new W.Tag({ parameters: 5 }),
    'parameters a string': (W) => new W.Tag({ parameters: 'i32' }),
  });

  it('parameters is a Web IDL sequence: any iterable, read through its iterator (V8 11.3 reads it array-like)', () => {
    const iterable = {
      *[Symbol.iterator]() {
        yield 'i32';
        yield { toString: () => 'f64' };
      },
    };
    const t = new Tag({ parameters: iterable });
    expect(() => new Exception(t, [1, 2])).not.toThrow();
    expect(() => new Exception(t, [1])).toThrow(TypeError);
    const boom = new Error('boom');
    const throwing = {
      [Symbol.iterator]() {
        throw boom;
      },
    };
    expect(() => new Tag({ parameters: throwing })).toThrow(boom);
    // A function is an object without @@iterator: not a sequence.
    expect(() => new Tag({ parameters: () => {} })).toThrow(TypeError);
  });

  it('each Tag is its own identity', () => {
    const a = new Tag({ parameters: ['i32'] });
    const b = new Tag({ parameters: ['i32'] });
    expect(a).not.toBe(b);
    expect(new Exception(a, [1]).is(a)).toBe(true);
    expect(new Exception(a, [1]).is(b)).toBe(false);
  });

  it('accepts v128 parameters (spec: a ValueType; V8 11.3 refuses them)', () => {
    expect(() => new Tag({ parameters: ['v128'] })).not.toThrow();
    expect(() => new native.Tag({ parameters: ['v128'] })).toThrow(TypeError);
  });
});

describe('WebAssembly.Exception', () => {
  interfaceParity('Exception', loom);

  const tags = (W: AnyNamespace) => ({
    ints: new W.Tag({ parameters: ['i32', 'i64'] }),
    floats: new W.Tag({ parameters: ['f32', 'f64'] }),
    refs: new W.Tag({ parameters: ['externref', 'anyfunc'] }),
    none: new W.Tag({ parameters: [] }),
  });

  parityTable('constructor, getArg, is', loom, {
    'no arguments': (W) => new W.Exception(),
    'not a tag': (W) => new W.Exception({}, []),
    'no payload': (W) => new W.Exception(tags(W).none),
    'payload not iterable': (W) => new W.Exception(tags(W).none, 5),
    'options not an object': (W) => new W.Exception(tags(W).none, [], 5),
    'options null': (W) => Object.prototype.toString.call(new W.Exception(tags(W).none, [], null)),
    'i32, i64': (W) => {
      const t = tags(W).ints;
      const e = new W.Exception(t, ['7', 2n ** 64n + 3n]);
      return [e.getArg(t, 0), e.getArg(t, 1), e.is(t)];
    },
    'i64 from a Number': (W) => new W.Exception(tags(W).ints, [1, 2]),
    'f32, f64': (W) => {
      const t = tags(W).floats;
      const e = new W.Exception(t, [0.1, '1.5']);
      return [e.getArg(t, 0), e.getArg(t, 1)];
    },
    'externref, anyfunc null': (W) => {
      const t = tags(W).refs;
      const o = {};
      const e = new W.Exception(t, [o, null]);
      return [e.getArg(t, 0) === o, e.getArg(t, 1)];
    },
    'getArg out of range': (W) => {
      const t = tags(W).ints;
      return new W.Exception(t, [1, 2n]).getArg(t, 2);
    },
    'getArg negative': (W) => {
      const t = tags(W).ints;
      return new W.Exception(t, [1, 2n]).getArg(t, -1);
    },
    'getArg without index': (W) => {
      const t = tags(W).ints;
      return new W.Exception(t, [1, 2n]).getArg(t);
    },
    'getArg another tag': (W) => new W.Exception(tags(W).ints, [1, 2n]).getArg(tags(W).ints, 0),
    'getArg not a tag': (W) => new W.Exception(tags(W).ints, [1, 2n]).getArg({}, 0),
    'is another tag': (W) => new W.Exception(tags(W).none, []).is(tags(W).none),
    'is not a tag': (W) => new W.Exception(tags(W).none, []).is({}),
    'is no argument': (W) => new W.Exception(tags(W).none, []).is(),
    'not an Error': (W) => new W.Exception(tags(W).none, []) instanceof Error,
    'no own properties': (W) => Object.getOwnPropertyNames(new W.Exception(tags(W).none, [])),
    'traceStack adds a stack': (W) => {
      const e = new W.Exception(tags(W).none, [], { traceStack: true });
      const d = Object.getOwnPropertyDescriptor(e, 'stack')!;
      return [typeof d.value, d.writable, d.enumerable, d.configurable];
    },
    'traceStack false': (W) =>
      Object.hasOwn(new W.Exception(tags(W).none, [], { traceStack: false }), 'stack'),
  });

  it('checks the payload length (spec; V8 11.3 does not)', () => {
    const t = new Tag({ parameters: ['i32'] });
    expect(() => new Exception(t, [])).toThrow(TypeError);
    expect(() => new Exception(t, [1, 2])).toThrow(TypeError);
  });

  it('an anyfunc payload must be a wasm function or null (spec; V8 11.3 takes any function)', () => {
    const t = new Tag({ parameters: ['anyfunc'] });
    expect(() => new Exception(t, [() => 1])).toThrow(TypeError);
    expect(() => new Exception(t, [{}])).toThrow(TypeError);
  });

  it('v128 payloads cannot be made from JS', () => {
    const t = new Tag({ parameters: ['v128'] });
    expect(() => new Exception(t, [0])).toThrow(TypeError);
  });
});
