import { describe, expect, it } from 'vitest';
import {
  CONCRETE,
  DataKind,
  type DataSegments,
  dataSegmentAt,
  dataSegmentBytes,
  dataSegmentCount,
  decodeNameSection,
  ElemKind,
  EXNREF,
  EXTERNREF,
  elementSegmentAt,
  FUNCREF,
  HeapTypes,
  I8,
  I16,
  I32,
  I64,
  makeDataSegments,
  makeElementSegments,
  Op,
  parseModule,
  Reader,
  readConstExpr,
  refType,
  resolveFeatures,
  V128,
  type WasmError,
} from '../src/index.js';
import {
  body,
  code,
  custom,
  funcs,
  functype,
  i32const,
  s32,
  section,
  str,
  types,
  u32,
  vec,
  wasm,
} from './fixtures/encode.js';

const ALL = resolveFeatures({ gc: true, memory64: true, multiMemory: true, relaxedSimd: true });

function errorOf(f: () => unknown): WasmError {
  try {
    f();
  } catch (e) {
    return e as WasmError;
  }
  throw new Error('expected an error');
}

describe('type section', () => {
  it('decodes MVP function types', () => {
    const { module } = parseModule(wasm(types(functype([I32, I64], [0x7d]), functype([], []))));
    expect(module.types).toEqual([
      {
        kind: 'func',
        params: [I32, I64],
        results: [0x7d],
        final: true,
        supertypes: [],
        recGroup: 0,
        recGroupSize: 1,
      },
      { kind: 'func', params: [], results: [], final: true, supertypes: [], recGroup: 1, recGroupSize: 1 },
    ]);
  });

  it('decodes GC recursion groups, subtypes, structs and arrays', () => {
    const m = wasm(
      section(1, [
        2, // two entries: a rec group of 2, then a sub type
        0x4e,
        2,
        0x50,
        0,
        0x5f,
        ...vec([
          [I8, 1],
          [0x63, 1, 0], // (ref null 1), immutable
        ]),
        0x4f,
        0,
        0x5e,
        I16,
        0,
        0x50,
        1,
        0,
        0x5f,
        ...vec([
          [I8, 1],
          [0x63, 1, 0],
          [0x64, HeapTypes.any, 1],
        ]),
      ]),
    );
    const { module } = parseModule(m, { features: { gc: true } });
    expect(module.types).toEqual([
      {
        kind: 'struct',
        fields: [
          { type: I8, mutable: true },
          { type: refType(CONCRETE + 1, true), mutable: false },
        ],
        final: false,
        supertypes: [],
        recGroup: 0,
        recGroupSize: 2,
      },
      {
        kind: 'array',
        field: { type: I16, mutable: false },
        final: true,
        supertypes: [],
        recGroup: 0,
        recGroupSize: 2,
      },
      {
        kind: 'struct',
        fields: [
          { type: I8, mutable: true },
          { type: refType(CONCRETE + 1, true), mutable: false },
          { type: refType(HeapTypes.any, false), mutable: true },
        ],
        final: false,
        supertypes: [0],
        recGroup: 2,
        recGroupSize: 1,
      },
    ]);
  });

  it('rejects GC forms without the gc feature', () => {
    const m = wasm(section(1, [1, 0x4e, 0]));
    expect(errorOf(() => parseModule(m)).kind).toBe('malformed');
  });

  it('rejects a type over the param limit early', () => {
    const m = wasm(section(1, [1, 0x60, ...u32(1001)]));
    const e = errorOf(() => parseModule(m));
    expect([e.kind, e.message]).toEqual(['invalid', 'param count of 1001 exceeds internal limit of 1000']);
  });
});

describe('import section', () => {
  it('decodes every import kind, shared and 64-bit limits', () => {
    const m = wasm(
      types(functype([], [])),
      section(
        2,
        vec([
          [...str('m'), ...str('f'), 0, 0],
          [...str('m'), ...str('t'), 1, 0x70, 1, 1, 2],
          [...str('m'), ...str('mem'), 2, 3, 1, 2],
          [...str('m'), ...str('g'), 3, I64, 1],
          [...str('m'), ...str('tag'), 4, 0, 0],
          [...str('m'), ...str('m64'), 2, 5, ...u32(1), ...u32(70000)],
          [...str('m'), ...str('t64'), 1, 0x6f, 4, 3],
        ]),
      ),
    );
    const { module, env } = parseModule(m, { features: ALL });
    expect(module.imports).toEqual([
      { module: 'm', name: 'f', kind: 0, typeIndex: 0 },
      {
        module: 'm',
        name: 't',
        kind: 1,
        table: { refType: FUNCREF, limits: { min: 1, max: 2, shared: false, index64: false } },
      },
      {
        module: 'm',
        name: 'mem',
        kind: 2,
        memory: { limits: { min: 1, max: 2, shared: true, index64: false } },
      },
      { module: 'm', name: 'g', kind: 3, global: { type: I64, mutable: true } },
      { module: 'm', name: 'tag', kind: 4, tag: { typeIndex: 0 } },
      {
        module: 'm',
        name: 'm64',
        kind: 2,
        memory: { limits: { min: 1, max: 70000, shared: false, index64: true } },
      },
      {
        module: 'm',
        name: 't64',
        kind: 1,
        table: { refType: EXTERNREF, limits: { min: 3, max: null, shared: false, index64: true } },
      },
    ]);
    expect(env.funcs).toEqual([0]);
    expect(env.numImportedFuncs).toBe(1);
    expect(env.tables.length).toBe(2);
    expect(env.memories.length).toBe(2);
    expect(env.globals).toEqual([{ type: I64, mutable: true }]);
    expect(env.tags).toEqual([0]);
  });

  it('gates limits flags by feature', () => {
    const mem = (flags: number) => wasm(section(2, vec([[...str('m'), ...str('x'), 2, flags, 1, 2]])));
    expect(errorOf(() => parseModule(mem(5))).message).toBe('malformed limits flags');
    expect(errorOf(() => parseModule(mem(3), { features: { threads: false } })).message).toBe(
      'malformed limits flags',
    );
    expect(errorOf(() => parseModule(mem(8), { features: ALL })).message).toBe('malformed limits flags');
    const table = wasm(section(2, vec([[...str('m'), ...str('x'), 1, 0x70, 3, 1, 2]])));
    expect(errorOf(() => parseModule(table)).message).toBe('malformed limits flags');
  });

  it('rejects unknown import kinds as malformed', () => {
    const m = wasm(section(2, vec([[...str('m'), ...str('x'), 5, 0]])));
    expect(errorOf(() => parseModule(m)).message).toBe('malformed import kind');
    const tag = wasm(types(functype([], [])), section(2, vec([[...str('m'), ...str('x'), 4, 0, 0]])));
    expect(errorOf(() => parseModule(tag, { features: { exceptions: false } })).message).toBe(
      'malformed import kind',
    );
  });
});

describe('tables, memories, tags, globals, exports, start', () => {
  it('decodes all of them', () => {
    const m = wasm(
      types(functype([], []), functype([I32], [])),
      funcs(0),
      section(
        4,
        vec([
          [0x70, 0, 1],
          [0x40, 0, 0x63, HeapTypes.func, 1, 2, 10, 0xd2, 0, 0x0b],
        ]),
      ),
      section(5, vec([[1, 1, 2]])),
      section(13, vec([[0, 1]])),
      section(
        6,
        vec([
          [I32, 0, ...i32const(-5)],
          [I64, 1, 0x42, 0x7f, 0x0b],
          [0x7d, 0, 0x43, 0, 0, 0x80, 0x3f, 0x0b],
          [0x7c, 0, 0x44, 1, 2, 3, 4, 5, 6, 7, 8, 0x0b],
          [V128, 0, 0xfd, 0x0c, ...Array.from({ length: 16 }, (_, i) => i), 0x0b],
          [0x70, 0, 0xd0, HeapTypes.func, 0x0b],
        ]),
      ),
      section(
        7,
        vec([
          [...str('f'), 0, 0],
          [...str('t'), 1, 1],
          [...str('m'), 2, 0],
          [...str('g'), 3, 1],
          [...str('e'), 4, 0],
        ]),
      ),
      section(8, [0]),
      code(body()),
    );
    const { module, env } = parseModule(m, { features: ALL });
    expect(module.tables).toEqual([
      { refType: FUNCREF, limits: { min: 1, max: null, shared: false, index64: false }, init: null },
      {
        refType: refType(HeapTypes.func, true),
        limits: { min: 2, max: 10, shared: false, index64: false },
        init: {
          offset: expect.any(Number),
          instrs: [{ op: Op.ref_func, imm: 0 }],
          type: refType(CONCRETE + 0, false),
        },
      },
    ]);
    expect(module.memories).toEqual([{ limits: { min: 1, max: 2, shared: false, index64: false } }]);
    expect(module.tags).toEqual([{ typeIndex: 1 }]);
    expect(module.globals.map((g) => g.init.instrs)).toEqual([
      [{ op: Op.i32_const, imm: -5 }],
      [{ op: Op.i64_const, imm: -1n }],
      [{ op: Op.f32_const, imm: 0x3f800000 }],
      [{ op: Op.f64_const, imm: 0x0807060504030201n }],
      [{ op: Op.v128_const, imm: new Uint8Array(Array.from({ length: 16 }, (_, i) => i)) }],
      [{ op: Op.ref_null, imm: HeapTypes.func }],
    ]);
    expect(module.globals.map((g) => g.init.type)).toEqual([I32, I64, 0x7d, 0x7c, V128, FUNCREF]);
    expect(module.globals[1].type).toEqual({ type: I64, mutable: true });
    expect(module.exports).toEqual([
      { name: 'f', kind: 0, index: 0 },
      { name: 't', kind: 1, index: 1 },
      { name: 'm', kind: 2, index: 0 },
      { name: 'g', kind: 3, index: 1 },
      { name: 'e', kind: 4, index: 0 },
    ]);
    expect(module.start).toBe(0);
    expect(env.declaredFuncRefs).toEqual([0]);
  });

  it('rejects bad mutability and export kinds', () => {
    expect(errorOf(() => parseModule(wasm(section(6, vec([[I32, 2, ...i32const(0)]]))))).message).toBe(
      'malformed mutability',
    );
    expect(errorOf(() => parseModule(wasm(section(7, vec([[...str('x'), 5, 0]]))))).message).toBe(
      'malformed export kind',
    );
  });
});

describe('constant expressions', () => {
  const f = resolveFeatures({ gc: true });
  const read = (bytes: number[]) => readConstExpr(new Reader(new Uint8Array(bytes), 0, bytes.length, 100), f);

  it('decodes extended-const and GC operators', () => {
    expect(read([0x41, 1, 0x41, 2, 0x6a, 0x23, 0, 0x6c, 0x0b]).instrs).toEqual([
      { op: Op.i32_const, imm: 1 },
      { op: Op.i32_const, imm: 2 },
      { op: Op.i32_add },
      { op: Op.global_get, imm: 0 },
      { op: Op.i32_mul },
    ]);
    expect(read([0x41, 7, 0xfb, 0x1c, 0xfb, 0x08, 3, 2, 0xfb, 0x00, 1, 0xfb, 0x07, 0, 0x0b]).instrs).toEqual([
      { op: Op.i32_const, imm: 7 },
      { op: Op.ref_i31 },
      { op: Op.array_new_fixed, imm: 3, imm2: 2 },
      { op: Op.struct_new, imm: 1 },
      { op: Op.array_new_default, imm: 0 },
    ]);
    expect(read([0x0b])).toEqual({ offset: 100, instrs: [], type: 0 });
  });

  it('keeps the immediates of every kind a constant operator has', () => {
    const v128 = Array.from({ length: 16 }, (_, i) => i);
    const bytes = [
      ...[0x42, 0x7f, 0x43, 1, 0, 0xc0, 0x7f, 0x44, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f],
      ...[0xfd, 0x0c, ...v128, 0xd0, 0x6f, 0xd2, 5, 0xfb, 0x1a, 0xfb, 0x1b, 0x0b],
    ];
    expect(read(bytes).instrs).toEqual([
      { op: Op.i64_const, imm: -1n },
      { op: Op.f32_const, imm: 0x7fc00001 },
      { op: Op.f64_const, imm: 0x7ff8000000000001n },
      { op: Op.v128_const, imm: new Uint8Array(v128) },
      { op: Op.ref_null, imm: 0x6f },
      { op: Op.ref_func, imm: 5 },
      { op: Op.any_convert_extern },
      { op: Op.extern_convert_any },
    ]);
  });

  it('tells non-constant (invalid) from unknown (malformed) operators', () => {
    const nop = errorOf(() => read([0x01, 0x0b]));
    expect([nop.kind, nop.message, nop.offset]).toEqual(['invalid', 'constant expression required', 100]);
    const illegal = errorOf(() => read([0x41, 0, 0xff, 0x0b]));
    expect([illegal.kind, illegal.offset]).toEqual(['malformed', 102]);
    const noExt = errorOf(() =>
      readConstExpr(
        new Reader(new Uint8Array([0x41, 1, 0x41, 2, 0x6a, 0x0b])),
        resolveFeatures({ extendedConst: false }),
      ),
    );
    expect(noExt.message).toBe('constant expression required');
    expect(errorOf(() => read([0x41, 1])).message).toBe('unexpected end');
  });
});

describe('element segments', () => {
  it('decodes all eight forms', () => {
    const m = wasm(
      types(functype([], [])),
      funcs(0, 0),
      section(4, vec([[0x70, 0, 4]])),
      section(
        9,
        vec([
          [0, ...i32const(0), ...vec([[0], [1]])],
          [1, 0, ...vec([[1]])],
          [2, 0, ...i32const(2), 0, ...vec([[0]])],
          [3, 0, ...vec([[1], [0]])],
          [4, ...i32const(1), ...vec([[0xd2, 1, 0x0b]])],
          [5, 0x6f, ...vec([[0xd0, HeapTypes.extern, 0x0b]])],
          [6, 0, ...i32const(3), 0x70, ...vec([[0xd0, HeapTypes.func, 0x0b]])],
          [7, 0x70, ...vec([[0xd2, 0, 0x0b]])],
        ]),
      ),
      code(body(), body()),
    );
    const { module, env } = parseModule(m);
    const { kinds } = module.elements;
    expect(Array.from(kinds)).toEqual([
      ElemKind.active,
      ElemKind.passive,
      ElemKind.other,
      ElemKind.declarative,
      ElemKind.other,
      ElemKind.other,
      ElemKind.other,
      ElemKind.other,
    ]);
    const e = Array.from(kinds, (_, i) => elementSegmentAt(module.elements, i));
    // The segments read one at a time make the same segments again.
    const made = makeElementSegments(e);
    const shape = (s: (typeof e)[number]) => [
      s.mode,
      s.table,
      s.refType,
      s.funcIndices,
      s.offset?.instrs[0].imm,
    ];
    expect(Array.from(made.kinds, (_, i) => shape(elementSegmentAt(made, i)))).toEqual(e.map(shape));
    expect(Array.from(module.elements.funcs)).toEqual([0, 1, 1, 1, 0]);
    expect(e.map((s) => [s.mode, s.table, s.refType, s.funcIndices])).toEqual([
      ['active', 0, FUNCREF, [0, 1]],
      ['passive', 0, FUNCREF, [1]],
      ['active', 0, FUNCREF, [0]],
      ['declarative', 0, FUNCREF, [1, 0]],
      ['active', 0, FUNCREF, null],
      ['passive', 0, EXTERNREF, null],
      ['active', 0, FUNCREF, null],
      ['declarative', 0, FUNCREF, null],
    ]);
    expect(e.map((s) => s.offset?.instrs[0].imm ?? null)).toEqual([0, null, 2, null, 1, null, 3, null]);
    expect(e[4].exprs).toEqual([
      { offset: expect.any(Number), instrs: [{ op: Op.ref_func, imm: 1 }], type: FUNCREF },
    ]);
    expect(Array.from(env.elemTypes)).toEqual([
      FUNCREF,
      FUNCREF,
      FUNCREF,
      FUNCREF,
      FUNCREF,
      EXTERNREF,
      FUNCREF,
      FUNCREF,
    ]);
    expect(env.declaredFuncRefs).toEqual([0, 1]);
  });

  it('rejects flags above 7 and a non-zero element kind', () => {
    const bad = (seg: number[]) => wasm(section(9, vec([seg])));
    expect(errorOf(() => parseModule(bad([8]))).message).toBe('malformed elements segment kind');
    expect(errorOf(() => parseModule(bad([1, 1, 0]))).message).toBe('malformed element kind');
  });
});

describe('data count and data segments', () => {
  it('decodes the three forms (multi-memory index form included) as copies', () => {
    const m = wasm(
      section(
        5,
        vec([
          [0, 1],
          [0, 1],
        ]),
      ),
      section(12, [3]),
      section(
        11,
        vec([
          [0, ...i32const(16), ...vec([[1], [2]])],
          [1, ...vec([[3]])],
          [2, 1, ...i32const(8), ...vec([[4], [5], [6]])],
        ]),
      ),
    );
    const { module, env } = parseModule(m, { features: { multiMemory: true } });
    expect(env.dataCount).toBe(3);
    expect(module.dataCount).toBe(3);
    const data = Array.from({ length: dataSegmentCount(module.data) }, (_, i) =>
      dataSegmentAt(module.data, i),
    );
    expect(data.map((d) => [d.mode, d.memory, d.offset?.instrs[0].imm ?? null, Array.from(d.bytes)])).toEqual(
      [
        ['active', 0, 16, [1, 2]],
        ['passive', 0, null, [3]],
        ['active', 1, 8, [4, 5, 6]],
      ],
    );
    // Copies: changing the input does not change the module.
    m.fill(0);
    expect(Array.from(dataSegmentBytes(module.data, 2))).toEqual([4, 5, 6]);
  });

  it('rejects flags above 2', () => {
    const m = wasm(section(11, vec([[3]])));
    expect(errorOf(() => parseModule(m)).message).toBe('malformed data segment kind');
  });

  it('keeps the usual `i32.const n` on memory 0 as n, every other form as an expression', () => {
    const globalImport = [...str('m'), ...str('g'), 3, I32, 0];
    const m = wasm(
      section(2, vec([globalImport])),
      section(5, vec([[0, 1]])),
      section(
        11,
        vec([
          [0, ...i32const(-1), ...vec([[1]])],
          [0, ...i32const(0x7fffffff), ...vec([])],
          // An i32.const with a padded immediate is still the usual form.
          [0, 0x41, 0x85, 0x80, 0x00, 0x0b, ...vec([[2], [3]])],
          [1, ...vec([[4]])],
          // Padded flags, the explicit memory index, global.get: expressions.
          [0x80, 0x00, ...i32const(7), ...vec([[5]])],
          [2, 0, ...i32const(8), ...vec([[6]])],
          [0, 0x23, 0, 0x0b, ...vec([[7]])],
        ]),
      ),
    );
    const { data } = parseModule(m).module;
    expect(Array.from(data.kinds)).toEqual([
      DataKind.active,
      DataKind.active,
      DataKind.active,
      DataKind.passive,
      DataKind.activeExpr,
      DataKind.activeExpr,
      DataKind.activeExpr,
    ]);
    expect(Array.from(data.offsets)).toEqual([-1, 0x7fffffff, 5, 0, 0, 1, 2]);
    expect(data.placements.map((p) => [p.memory, p.offset.instrs])).toEqual([
      [0, [{ op: Op.i32_const, imm: 7 }]],
      [0, [{ op: Op.i32_const, imm: 8 }]],
      [0, [{ op: Op.global_get, imm: 0 }]],
    ]);
    // The bytes one after the other, without the segments' headers.
    expect(Array.from(data.bytes)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(data.ends)).toEqual([1, 1, 3, 4, 5, 6, 7]);
    expect(dataSegmentBytes(data, 1).length).toBe(0);
    expect(Array.from(dataSegmentBytes(data, 2))).toEqual([2, 3]);
    const at = (i: number) => dataSegmentAt(data, i);
    expect([at(0).mode, at(0).memory, at(0).offset?.instrs, at(0).offset?.type]).toEqual([
      'active',
      0,
      [{ op: Op.i32_const, imm: -1 }],
      I32,
    ]);
    expect([at(3).mode, at(3).offset]).toEqual(['passive', null]);
    expect(at(6).offset).toBe(data.placements[2].offset);
  });

  it('decodes the most segments allowed (100,000), sizes across the copy loop limit, as copies', () => {
    const n = 100_000;
    const sizeOf = (i: number) => [0, 1, 63, 64, 65, 130][i % 6];
    const segs: number[][] = [];
    const expected: number[] = [];
    for (let i = 0; i < n; i++) {
      const bytes = Array.from({ length: sizeOf(i) }, (_, k) => (i + k) & 0xff);
      expected.push(...bytes);
      segs.push(
        i % 3 === 2 ? [1, ...vec(bytes.map((b) => [b]))] : [0, ...i32const(i), ...vec(bytes.map((b) => [b]))],
      );
    }
    const m = wasm(section(5, vec([[0, 1]])), section(11, vec(segs)));
    const { data } = parseModule(m).module;
    expect(dataSegmentCount(data)).toBe(n);
    expect(data.placements).toEqual([]);
    // Buffer.equals: an element-wise toEqual of 5.4 MB takes a minute.
    const expectedBytes = new Uint8Array(expected);
    expect(Buffer.from(data.bytes).equals(expectedBytes)).toBe(true);
    for (const i of [0, 1, 2, 5, 6, 99_998, 99_999]) {
      expect(Array.from(dataSegmentBytes(data, i))).toEqual(
        Array.from({ length: sizeOf(i) }, (_, k) => (i + k) & 0xff),
      );
      expect(data.kinds[i]).toBe(i % 3 === 2 ? DataKind.passive : DataKind.active);
      expect(data.offsets[i]).toBe(i % 3 === 2 ? 0 : i);
    }
    m.fill(0);
    expect(Buffer.from(data.bytes).equals(expectedBytes)).toBe(true);
    const tooMany = wasm(section(11, [...u32(n + 1)]));
    expect(errorOf(() => parseModule(tooMany)).message).toBe(
      `data segments count of ${n + 1} exceeds internal limit of ${n}`,
    );
  });

  it('makeDataSegments gives what the decoder gives, and dataSegmentAt gives the segments back', () => {
    const m = wasm(
      section(5, vec([[0, 1]])),
      section(
        11,
        vec([
          [0, ...i32const(16), ...vec([[1], [2]])],
          [1, ...vec([[3]])],
          [2, 0, ...i32const(8), ...vec([[4], [5], [6]])],
          [0, ...i32const(-5), ...vec([])],
        ]),
      ),
    );
    const { data } = parseModule(m).module;
    const listOf = (d: DataSegments) =>
      Array.from({ length: dataSegmentCount(d) }, (_, i) => {
        const s = dataSegmentAt(d, i);
        return [s.mode, s.memory, s.offset?.instrs ?? null, Array.from(s.bytes)];
      });
    const made = makeDataSegments(Array.from({ length: 4 }, (_, i) => dataSegmentAt(data, i)));
    expect(listOf(made)).toEqual(listOf(data));
    expect(listOf(made)).toEqual([
      ['active', 0, [{ op: Op.i32_const, imm: 16 }], [1, 2]],
      ['passive', 0, null, [3]],
      ['active', 0, [{ op: Op.i32_const, imm: 8 }], [4, 5, 6]],
      ['active', 0, [{ op: Op.i32_const, imm: -5 }], []],
    ]);
    // Typed arrays alike; the explicit memory index 0 made compact too.
    expect(made.bytes).toEqual(data.bytes);
    expect(made.ends).toEqual(data.ends);
    expect(Array.from(made.kinds)).toEqual([
      DataKind.active,
      DataKind.passive,
      DataKind.active,
      DataKind.active,
    ]);
    expect(made.placements).toEqual([]);
    expect(makeDataSegments([])).toEqual({
      bytes: new Uint8Array(0),
      ends: new Uint32Array(0),
      kinds: new Uint8Array(0),
      offsets: new Int32Array(0),
      placements: [],
    });
    expect(structuredClone(data)).toEqual(data);
  });
});

describe('custom and name sections', () => {
  const names = [
    ...[0, ...u32(str('mod').length), ...str('mod')],
    ...(() => {
      const sub = vec([
        [0, ...str('first')],
        [1, ...str('second')],
      ]);
      return [1, ...u32(sub.length), ...sub];
    })(),
    ...(() => {
      const sub = vec([
        [
          1,
          ...vec([
            [0, ...str('x')],
            [2, ...str('y')],
          ]),
        ],
      ]);
      return [2, ...u32(sub.length), ...sub];
    })(),
  ];

  it('keeps custom sections as copies and decodes the name section', () => {
    const m = wasm(
      types(functype([], [])),
      funcs(0, 0),
      code(body(), body()),
      custom('name', names),
      custom('x', [9]),
    );
    const { module } = parseModule(m);
    expect(module.customSections.map((c) => [c.name, c.bytes.length])).toEqual([
      ['name', names.length],
      ['x', 1],
    ]);
    expect(module.customSections[1].offset).toBe(m.length - 5);
    expect(module.names).toEqual({
      module: 'mod',
      functions: { 0: 'first', 1: 'second' },
      locals: { 1: { 0: 'x', 2: 'y' } },
    });
    m.fill(0);
    expect(module.customSections[1].bytes[0]).toBe(9);
  });

  it('ignores broken name sections and subsections, never throwing', () => {
    const broken = [1, 5, 1, 0, 0xff, 0xff, 0xff]; // function names subsection with a broken name
    expect(decodeNameSection(new Uint8Array([...broken, ...names.slice(0, 6)]))).toEqual({
      module: 'mod',
      functions: {},
      locals: {},
    });
    expect(decodeNameSection(new Uint8Array([0, 0xff]))).toEqual({ module: null, functions: {}, locals: {} });
    expect(decodeNameSection(new Uint8Array([0, 50, 1]))).toEqual({
      module: null,
      functions: {},
      locals: {},
    });
    const m = wasm(custom('name', [1, 3, 0xff, 0xff, 0xff]));
    expect(parseModule(m).module.names).toEqual({ module: null, functions: {}, locals: {} });
  });

  it('accepts custom sections anywhere, even between code and data', () => {
    const m = wasm(
      custom('a', []),
      types(functype([], [])),
      custom('b', []),
      section(12, [0]),
      code(),
      custom('c', []),
      section(11, [0]),
    );
    expect(parseModule(m).module.customSections.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('value types', () => {
  it('decodes reference type shorthands and (ref null? ht) forms by feature', () => {
    const g = (t: number[]) => wasm(section(2, vec([[...str('m'), ...str('g'), 3, ...t, 0]])));
    const types = (m: Uint8Array, features = ALL) =>
      (parseModule(m, { features }).module.imports[0] as { global: { type: number } }).global.type;
    expect(types(g([0x6e]))).toBe(refType(HeapTypes.any, true));
    expect(types(g([0x64, 0x6c]))).toBe(refType(HeapTypes.i31, false));
    expect(types(g([0x69]))).toBe(EXNREF);
    expect(errorOf(() => parseModule(g([0x6e]))).message).toBe('malformed value type');
    expect(errorOf(() => parseModule(g([0x7b]), { features: { simd: false } })).message).toBe(
      'malformed value type',
    );
    expect(errorOf(() => parseModule(g([0x64, 0x70]))).message).toBe('malformed value type');
    // A concrete heap type that can never be valid.
    expect(errorOf(() => parseModule(g([0x63, ...s32(2_000_000)]), { features: ALL })).kind).toBe('invalid');
  });
});
