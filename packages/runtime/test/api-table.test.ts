/**
 * `WebAssembly.Table` against Node's native one: descriptors (member order,
 * the TableKind enumeration, [EnforceRange]), initial and fill values,
 * get/set/grow bounds and conversions. Wasm functions as values are covered
 * in packages/wasmloom/test/api-instance.test.ts, where modules exist.
 */
import { describe, expect, it } from 'vitest';
import { CompileError, LinkError, RuntimeError } from '../src/errors.js';
import { Table } from '../src/index.js';
import {
  type AnyNamespace,
  interfaceParity,
  native,
  OUT_OF_RANGE,
  parityTable,
  recordingDescriptor,
} from './api-parity.js';

const loom: AnyNamespace = { Table, CompileError, LinkError, RuntimeError };

describe('WebAssembly.Table', () => {
  interfaceParity('Table', loom);

  parityTable('constructor', loom, {
    'no argument': (W) => new W.Table(),
    'empty descriptor': (W) => new W.Table({}),
    null: (W) => new W.Table(null),
    number: (W) => new W.Table(1),
    string: (W) => new W.Table('test'),
    'element undefined': (W) => new W.Table({ element: undefined, initial: 0 }),
    'initial undefined': (W) => new W.Table({ element: 'anyfunc', initial: undefined }),
    'anyfunc, 0': (W) => new W.Table({ element: 'anyfunc', initial: 0 }).length,
    'anyfunc, 5': (W) => new W.Table({ element: 'anyfunc', initial: 5 }).length,
    'externref, 2': (W) => new W.Table({ element: 'externref', initial: 2 }).length,
    'funcref is not a TableKind': (W) => new W.Table({ element: 'funcref', initial: 1 }),
    'i32 is not a TableKind': (W) => new W.Table({ element: 'i32', initial: 1 }),
    'element with toString': (W) =>
      new W.Table({ element: { toString: () => 'anyfunc' }, initial: 1 }).length,
    'element symbol': (W) => new W.Table({ element: Symbol(), initial: 1 }),
    'initial "3"': (W) => new W.Table({ element: 'anyfunc', initial: '3' }).length,
    'maximum below initial': (W) => new W.Table({ element: 'anyfunc', initial: 10, maximum: 9 }),
    'initial above 10^7': (W) => new W.Table({ element: 'anyfunc', initial: 10_000_001 }),
    'maximum above 10^7 is allowed': (W) =>
      new W.Table({ element: 'anyfunc', initial: 1, maximum: 10_000_001 }).length,
    'stray argument': (W) => new W.Table({ element: 'anyfunc', initial: 0 }, null, {}).length,
    'externref default is undefined': (W) => new W.Table({ element: 'externref', initial: 1 }).get(0),
    'externref explicit undefined': (W) =>
      new W.Table({ element: 'externref', initial: 1 }, undefined).get(0),
    'externref initial value': (W) => new W.Table({ element: 'externref', initial: 2 }, 'x').get(1),
    'externref null': (W) => new W.Table({ element: 'externref', initial: 1 }, null).get(0),
    'anyfunc default is null': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).get(0),
    'anyfunc with a JS function': (W) => new W.Table({ element: 'anyfunc', initial: 1 }, () => 1),
    'anyfunc with an object': (W) => new W.Table({ element: 'anyfunc', initial: 1 }, {}),
    'anyfunc with null': (W) => new W.Table({ element: 'anyfunc', initial: 1 }, null).get(0),
    ...Object.fromEntries(
      OUT_OF_RANGE.flatMap((v) => [
        [`initial ${v}`, (W: AnyNamespace) => new W.Table({ element: 'anyfunc', initial: v })],
        [`maximum ${v}`, (W: AnyNamespace) => new W.Table({ element: 'anyfunc', initial: 0, maximum: v })],
      ]),
    ),
  });

  it('reads element, initial, maximum in order, each converted as it is read', () => {
    const cases: Record<string, unknown>[] = [
      { maximum: 1, initial: 1, element: 'anyfunc' },
      { maximum: 1, initial: 1, element: undefined },
      { maximum: 1, initial: undefined, element: 'anyfunc' },
      { maximum: 2 ** 32, initial: 1, element: 'anyfunc' },
      { maximum: 10_000_001, initial: 1, element: 'anyfunc' },
      { maximum: 1, initial: 2 ** 32, element: 'anyfunc' },
      { maximum: 1, initial: 1, element: 'invalid' },
    ];
    for (const values of cases) {
      const [expected, actual] = [native, loom].map((W) => {
        const log: string[] = [];
        let error = '';
        try {
          new W.Table(recordingDescriptor(log, values));
        } catch (e) {
          error = (e as Error).constructor.name;
        }
        return { log, error };
      });
      expect(actual).toEqual(expected);
    }
  });

  it('reads the whole descriptor before the size limit check (spec and WPT order; V8 11.3 checks initial early)', () => {
    const log: string[] = [];
    expect(
      () => new Table(recordingDescriptor(log, { maximum: 1, initial: 10_000_001, element: 'anyfunc' })),
    ).toThrow(RangeError);
    expect(log).toEqual([
      'element',
      'element toString',
      'initial',
      'initial valueOf',
      'maximum',
      'maximum valueOf',
    ]);
  });

  parityTable('get, set, grow, length', loom, {
    'get in range': (W) => new W.Table({ element: 'externref', initial: 2 }, 7).get(1),
    'get out of range': (W) => new W.Table({ element: 'externref', initial: 2 }).get(2),
    'get negative': (W) => new W.Table({ element: 'externref', initial: 2 }).get(-1),
    'get no argument': (W) => new W.Table({ element: 'externref', initial: 2 }).get(),
    'get "1"': (W) => new W.Table({ element: 'externref', initial: 2 }, 3).get('1'),
    'get 2^32': (W) => new W.Table({ element: 'externref', initial: 2 }).get(2 ** 32),
    'set and get': (W) => {
      const t = new W.Table({ element: 'externref', initial: 2 });
      const o = { a: 1 };
      t.set(1, o);
      return [t.get(1) === o, t.get(0)];
    },
    'set without a value sets the default': (W) => {
      const t = new W.Table({ element: 'externref', initial: 1 }, 5);
      t.set(0);
      return t.get(0);
    },
    'set anyfunc without a value sets null': (W) => {
      const t = new W.Table({ element: 'anyfunc', initial: 1 });
      t.set(0);
      return t.get(0);
    },
    'set no arguments': (W) => new W.Table({ element: 'externref', initial: 1 }).set(),
    'set out of range': (W) => new W.Table({ element: 'externref', initial: 1 }).set(1, 0),
    'set out of range with a bad value': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).set(5, {}),
    'set anyfunc with a JS function': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).set(0, () => {}),
    'set returns undefined': (W) => new W.Table({ element: 'externref', initial: 1 }).set(0, 1),
    'grow with a value': (W) => {
      const t = new W.Table({ element: 'externref', initial: 1 });
      return [t.grow(2, 'v'), t.length, t.get(0), t.get(1), t.get(2)];
    },
    'grow externref without a value': (W) => {
      const t = new W.Table({ element: 'externref', initial: 0 });
      t.grow(1);
      return t.get(0);
    },
    'grow beyond maximum': (W) => new W.Table({ element: 'anyfunc', initial: 1, maximum: 2 }).grow(2),
    'grow to maximum': (W) => new W.Table({ element: 'anyfunc', initial: 1, maximum: 2 }).grow(1),
    'grow beyond 10^7': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).grow(10_000_000),
    'grow no argument': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).grow(),
    'grow negative': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).grow(-1),
    'grow with a bad value': (W) => new W.Table({ element: 'anyfunc', initial: 1 }).grow(1, {}),
    'grow failing leaves the table alone': (W) => {
      const t = new W.Table({ element: 'externref', initial: 1, maximum: 1 }, 'a');
      try {
        t.grow(1, 'b');
      } catch {}
      return [t.length, t.get(0)];
    },
    'length is read-only': (W) => {
      const t = new W.Table({ element: 'anyfunc', initial: 3 });
      (t as { length: number }).length = 7;
      return t.length;
    },
  });

  it('brand-checks get/set/grow/length on objects inheriting from the prototype', () => {
    for (const W of [native, loom]) {
      const fake = Object.create(W.Table.prototype);
      expect(() => fake.length).toThrow(TypeError);
      expect(() => fake.get(0)).toThrow(TypeError);
      expect(() => fake.set(0, null)).toThrow(TypeError);
      expect(() => fake.grow(0)).toThrow(TypeError);
    }
  });
});
