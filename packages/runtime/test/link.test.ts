import { EXTERNREF, F32, FUNCREF, I32, I64 } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { Global } from '../src/api/global.js';
import { Memory } from '../src/api/memory.js';
import { Table } from '../src/api/table.js';
import { LinkError } from '../src/errors.js';
import { instantiate } from '../src/instance.js';
import { build, exp, funcImport, globalImport, memImport, tableImport } from './module.js';

const types = [
  { params: [I32], results: [I32] },
  { params: [], results: [] },
];

function exporter() {
  return instantiate(
    build({
      types,
      funcs: [
        { type: 0, src: 'function f0(p0) { return (p0 + 1) | 0; }' },
        { type: 1, src: 'function f1() {}' },
      ],
      exports: [exp('inc', 0, 0), exp('nop', 0, 1)],
    }),
  ).exports;
}

const link = (spec: Parameters<typeof build>[0], imports: unknown) => () => instantiate(build(spec), imports);

describe('reading the imports', () => {
  const withFunc = { types, imports: [funcImport('m', 'f', 0)] };

  it('needs an import object when the module has imports', () => {
    expect(link(withFunc, undefined)).toThrow(TypeError);
    expect(link(withFunc, 5)).toThrow(TypeError);
    expect(link({ types }, 5)).toThrow(TypeError);
    expect(() => instantiate(build({ types }))).not.toThrow();
  });

  it('each namespace must be an object', () => {
    expect(link(withFunc, {})).toThrow(TypeError);
    expect(link(withFunc, { m: 1 })).toThrow(TypeError);
    expect(link(withFunc, { m: null })).toThrow(TypeError);
    // Functions are objects.
    const ns = Object.assign(() => 0, { f: () => 1 });
    expect(link(withFunc, { m: ns })).not.toThrow();
  });

  it('a missing or non-callable function import is a LinkError', () => {
    expect(link(withFunc, { m: {} })).toThrow(LinkError);
    expect(link(withFunc, { m: { f: 1 } })).toThrow(LinkError);
    expect(link(withFunc, { m: { f: {} } })).toThrow(LinkError);
  });

  it('a wasm function import must have the same signature', () => {
    const ex = exporter();
    expect(link(withFunc, { m: { f: ex.nop } })).toThrow(LinkError);
    expect(link(withFunc, { m: { f: ex.inc } })).not.toThrow();
  });

  it('TypeErrors of later imports win over earlier type mismatches (read first, match after)', () => {
    const spec = { types, imports: [funcImport('m', 'f', 0), funcImport('n', 'g', 1)] };
    expect(link(spec, { m: { f: exporter().nop } })).toThrow(TypeError);
  });

  it('memory imports: Memory objects with matching limits', () => {
    const spec = (min: number, max: number | null) => ({ imports: [memImport('m', 'mem', min, max)] });
    const mem = (initial: number, maximum?: number) =>
      new Memory(maximum === undefined ? { initial } : { initial, maximum });
    expect(link(spec(1, null), { m: { mem: {} } })).toThrow(LinkError);
    expect(link(spec(1, null), { m: { mem: new ArrayBuffer(65536) } })).toThrow(LinkError);
    expect(link(spec(1, null), { m: {} })).toThrow(LinkError);
    expect(link(spec(2, null), { m: { mem: mem(1) } })).toThrow(LinkError);
    expect(link(spec(1, 2), { m: { mem: mem(1) } })).toThrow(LinkError);
    expect(link(spec(1, 2), { m: { mem: mem(1, 3) } })).toThrow(LinkError);
    expect(link(spec(1, 2), { m: { mem: mem(1, 2) } })).not.toThrow();
    expect(link(spec(1, null), { m: { mem: mem(3, 5) } })).not.toThrow();
    // The current size counts, not the initial one.
    const grown = mem(1);
    grown.grow(1);
    expect(link(spec(2, null), { m: { mem: grown } })).not.toThrow();
  });

  it('shared memory must match shared imports', () => {
    const shared = new Memory({ initial: 1, maximum: 2, shared: true });
    expect(link({ imports: [memImport('m', 'mem', 1, 2)] }, { m: { mem: shared } })).toThrow(LinkError);
    expect(
      link(
        { imports: [memImport('m', 'mem', 1, 2, true)] },
        { m: { mem: new Memory({ initial: 1, maximum: 2 }) } },
      ),
    ).toThrow(LinkError);
    expect(link({ imports: [memImport('m', 'mem', 1, 2, true)] }, { m: { mem: shared } })).not.toThrow();
  });

  it('table imports: Table objects with matching element type and limits', () => {
    const spec = (min: number, max: number | null, t = FUNCREF) => ({
      imports: [tableImport('m', 't', t, min, max)],
    });
    const table = (initial: number, maximum?: number, element = 'anyfunc') =>
      new Table(maximum === undefined ? { element, initial } : { element, initial, maximum });
    expect(link(spec(1, null), { m: { t: {} } })).toThrow(LinkError);
    expect(link(spec(1, null), { m: { t: table(1, undefined, 'externref') } })).toThrow(LinkError);
    expect(link(spec(1, null, EXTERNREF), { m: { t: table(1, undefined, 'externref') } })).not.toThrow();
    expect(link(spec(2, null), { m: { t: table(1) } })).toThrow(LinkError);
    expect(link(spec(1, 5), { m: { t: table(1) } })).toThrow(LinkError);
    expect(link(spec(1, 5), { m: { t: table(1, 6) } })).toThrow(LinkError);
    expect(link(spec(1, 5), { m: { t: table(2, 5) } })).not.toThrow();
  });

  it('global imports: Global objects of the same type and mutability', () => {
    const spec = (type: number, mutable = false) => ({ imports: [globalImport('m', 'g', type, mutable)] });
    const g = (value: string, mutable: boolean, v?: unknown) => new Global({ value, mutable }, v);
    expect(link(spec(I32), { m: { g: g('i32', false, 1) } })).not.toThrow();
    expect(link(spec(I32), { m: { g: g('i32', true, 1) } })).toThrow(LinkError);
    expect(link(spec(I32, true), { m: { g: g('i32', false, 1) } })).toThrow(LinkError);
    expect(link(spec(I32, true), { m: { g: g('i32', true, 1) } })).not.toThrow();
    expect(link(spec(I32), { m: { g: g('i64', false, 1n) } })).toThrow(LinkError);
    expect(link(spec(I32, true), { m: { g: g('f32', true, 1) } })).toThrow(LinkError);
    expect(link(spec(I32), { m: {} })).toThrow(LinkError);
    expect(link(spec(I32), { m: { g: {} } })).toThrow(LinkError);
  });

  it('global imports from JS values: Number for i32/f32/f64, BigInt for i64, immutable only', () => {
    const spec = (type: number, mutable = false) => ({ imports: [globalImport('m', 'g', type, mutable)] });
    expect(link(spec(I32), { m: { g: 1 } })).not.toThrow();
    expect(link(spec(F32), { m: { g: 1.5 } })).not.toThrow();
    expect(link(spec(I32), { m: { g: 1n } })).toThrow(LinkError);
    expect(link(spec(I32), { m: { g: '1' } })).toThrow(LinkError);
    expect(link(spec(I64), { m: { g: 1 } })).toThrow(LinkError);
    expect(link(spec(I64), { m: { g: 1n } })).not.toThrow();
    expect(link(spec(I32, true), { m: { g: 1 } })).toThrow(LinkError);
    expect(link(spec(EXTERNREF), { m: { g: 'anything' } })).not.toThrow();
    expect(link(spec(EXTERNREF), { m: { g: undefined } })).not.toThrow();
    expect(link(spec(FUNCREF), { m: { g: null } })).not.toThrow();
    expect(link(spec(FUNCREF), { m: { g: () => 1 } })).toThrow(LinkError);
    expect(link(spec(FUNCREF), { m: { g: exporter().inc } })).not.toThrow();
  });

  it('reads each namespace and name with Get, in import order', () => {
    const log: string[] = [];
    const ns = new Proxy(
      { f: () => 0, g: 1 },
      {
        get(target, key) {
          log.push(String(key));
          return Reflect.get(target, key);
        },
      },
    );
    instantiate(build({ types, imports: [funcImport('m', 'f', 0), globalImport('m', 'g', I32)] }), { m: ns });
    expect(log).toEqual(['f', 'g']);
  });
});
