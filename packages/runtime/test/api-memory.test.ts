/**
 * `WebAssembly.Memory` against Node's native one: descriptors, dictionary
 * conversions in order, [EnforceRange], errors, buffers and growth.
 */
import { describe, expect, it } from 'vitest';
import { CompileError, LinkError, RuntimeError } from '../src/errors.js';
import { Memory } from '../src/index.js';
import {
  type AnyNamespace,
  interfaceParity,
  native,
  OUT_OF_RANGE,
  parityTable,
  recordingDescriptor,
} from './api-parity.js';

const loom: AnyNamespace = { Memory, CompileError, LinkError, RuntimeError };

describe('WebAssembly.Memory', () => {
  interfaceParity('Memory', loom);

  parityTable('constructor arguments and descriptors', loom, {
    'no argument': (W) => new W.Memory(),
    undefined: (W) => new W.Memory(undefined),
    null: (W) => new W.Memory(null),
    false: (W) => new W.Memory(false),
    string: (W) => new W.Memory('test'),
    symbol: (W) => new W.Memory(Symbol()),
    number: (W) => new W.Memory(1),
    'empty object': (W) => new W.Memory({}),
    'initial undefined': (W) => new W.Memory({ initial: undefined }),
    'initial 0': (W) => new W.Memory({ initial: 0 }).buffer.byteLength,
    'initial 4': (W) => new W.Memory({ initial: 4 }).buffer.byteLength,
    'initial "1"': (W) => new W.Memory({ initial: '1' }).buffer.byteLength,
    'initial 1.9 (truncated)': (W) => new W.Memory({ initial: 1.9 }).buffer.byteLength,
    'initial true': (W) => new W.Memory({ initial: true }).buffer.byteLength,
    'initial null': (W) => new W.Memory({ initial: null }).buffer.byteLength,
    'initial object with valueOf': (W) => new W.Memory({ initial: { valueOf: () => 2 } }).buffer.byteLength,
    'initial bigint': (W) => new W.Memory({ initial: 1n }),
    'initial symbol': (W) => new W.Memory({ initial: Symbol() }),
    'initial above 65536': (W) => new W.Memory({ initial: 65537 }),
    'maximum below initial': (W) => new W.Memory({ initial: 10, maximum: 9 }),
    'maximum above 65536': (W) => new W.Memory({ initial: 1, maximum: 65537 }),
    'maximum equal initial': (W) => new W.Memory({ initial: 1, maximum: 1 }).grow(0),
    'shared without maximum': (W) => new W.Memory({ initial: 1, shared: true }),
    'shared with maximum': (W) =>
      Object.prototype.toString.call(new W.Memory({ initial: 1, maximum: 2, shared: true }).buffer),
    'shared buffer frozen': (W) =>
      Object.isFrozen(new W.Memory({ initial: 1, maximum: 2, shared: true }).buffer),
    'too big and shared without maximum': (W) => new W.Memory({ initial: 70000, shared: true }),
    'function as descriptor': (W) => new W.Memory(Object.assign(() => {}, { initial: 1 })).buffer.byteLength,
    'stray argument': (W) => new W.Memory({ initial: 0 }, {}).buffer.byteLength,
    'throwing getter': (W) =>
      new W.Memory({
        get initial() {
          throw new Error('boom');
        },
      }),
    ...Object.fromEntries(
      OUT_OF_RANGE.flatMap((v) => [
        [`initial ${v}`, (W: AnyNamespace) => new W.Memory({ initial: v })],
        [`maximum ${v}`, (W: AnyNamespace) => new W.Memory({ initial: 0, maximum: v })],
      ]),
    ),
  });

  it('reads the descriptor in member order, converting each member as it is read', () => {
    const orders = [native, loom].map((W) => {
      const log: string[] = [];
      new W.Memory(recordingDescriptor(log, { maximum: 1, initial: 1, shared: false }));
      return log;
    });
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[0]).toEqual(['initial', 'initial valueOf', 'maximum', 'maximum valueOf', 'shared']);
  });

  it('reads the whole descriptor before the size checks (spec order; V8 11.3 checks initial early)', () => {
    const log: string[] = [];
    expect(() => new Memory(recordingDescriptor(log, { maximum: 1, initial: 65537, shared: true }))).toThrow(
      RangeError,
    );
    expect(log).toEqual(['initial', 'initial valueOf', 'maximum', 'maximum valueOf', 'shared']);
  });

  it('never asks a proxy descriptor [[HasProperty]]', () => {
    for (const W of [native, loom]) {
      const proxy = new Proxy(
        {},
        {
          has() {
            throw new Error('has() called');
          },
          get: () => 0,
        },
      );
      expect(new W.Memory(proxy).buffer.byteLength).toBe(0);
    }
  });

  parityTable('grow', loom, {
    'returns the old size': (W) => {
      const m = new W.Memory({ initial: 1, maximum: 4 });
      return [m.grow(2), m.buffer.byteLength, m.grow(0), m.buffer.byteLength];
    },
    'detaches the old buffer, also by 0 pages': (W) => {
      const m = new W.Memory({ initial: 1 });
      const before = m.buffer;
      new Uint8Array(before)[7] = 42;
      m.grow(0);
      const after0 = m.buffer;
      m.grow(1);
      return [before.byteLength, after0.byteLength, new Uint8Array(m.buffer)[7], before === m.buffer];
    },
    'the same buffer object until it grows': (W) => {
      const m = new W.Memory({ initial: 1 });
      const first = m.buffer;
      const second = m.buffer;
      return first === second;
    },
    'beyond the maximum: RangeError, unchanged': (W) => {
      const m = new W.Memory({ initial: 1, maximum: 2 });
      const b = m.buffer;
      let error = '';
      try {
        m.grow(2);
      } catch (e) {
        error = (e as Error).constructor.name;
      }
      return [error, m.buffer === b, b.byteLength];
    },
    'beyond 65536 pages': (W) => new W.Memory({ initial: 1 }).grow(65536),
    'no argument': (W) => new W.Memory({ initial: 1 }).grow(),
    negative: (W) => new W.Memory({ initial: 1 }).grow(-1),
    NaN: (W) => new W.Memory({ initial: 1 }).grow(Number.NaN),
    '2^32': (W) => new W.Memory({ initial: 1 }).grow(2 ** 32),
    'string "1"': (W) => new W.Memory({ initial: 1 }).grow('1'),
    'fraction 1.5': (W) => new W.Memory({ initial: 1 }).grow(1.5),
    bigint: (W) => new W.Memory({ initial: 1 }).grow(1n),
    'shared memory grows': (W) => {
      const m = new W.Memory({ initial: 1, maximum: 3, shared: true });
      return [m.grow(1), m.buffer.byteLength];
    },
  });

  it('buffer getter and grow are brand-checked (also on objects inheriting from the prototype)', () => {
    for (const W of [native, loom]) {
      const fake = Object.create(W.Memory.prototype);
      expect(() => fake.buffer).toThrow(TypeError);
      expect(() => fake.grow(1)).toThrow(TypeError);
    }
  });

  it('subclasses get their prototype from new.target', () => {
    for (const W of [native, loom]) {
      class Sub extends W.Memory {}
      const m = new Sub({ initial: 1 });
      expect(m).toBeInstanceOf(Sub);
      expect(m.buffer.byteLength).toBe(65536);
      const other = Reflect.construct(W.Memory, [{ initial: 0 }], Array);
      expect(Object.getPrototypeOf(other)).toBe(Array.prototype);
    }
  });
});
