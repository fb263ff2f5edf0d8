import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BlockKind,
  CONCRETE,
  checkBodyDecodes,
  DEFAULT_FEATURES,
  EXTERNREF,
  F64,
  type Features,
  FUNCREF,
  HeapTypes,
  I32,
  I64,
  IMPL_LIMITS,
  MAX_FUNCTION_LOCALS,
  Op,
  OperatorReader,
  Reader,
  readBlockType,
  readHeapType,
  readRefType,
  readValType,
  refType,
  V128,
  WasmError,
} from '../src/index.js';
import { ALL, sleb, testsuite, u32 } from './support.js';

const D = DEFAULT_FEATURES;

function reader(bytes: number[], features: Features = D, base = 0): OperatorReader {
  const u8 = new Uint8Array(bytes);
  return new OperatorReader(u8, 0, u8.length, base, features);
}

/** Decode one instruction; returns the reader after it. */
function one(bytes: number[], features: Features = D): OperatorReader {
  const r = reader(bytes, features);
  r.next();
  expect(r.pos).toBe(bytes.length);
  return r;
}

function thrown(fn: () => unknown): WasmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw new Error(`expected a WasmError, got ${e}`);
  }
  throw new Error('expected an error');
}

function expectMalformed(fn: () => unknown, message: string | RegExp, offset?: number): WasmError {
  const e = thrown(fn);
  expect(e.kind).toBe('malformed');
  expect(e.message).toMatch(message);
  if (offset !== undefined) expect(e.offset).toBe(offset);
  return e;
}

function body(...bytes: number[]): Uint8Array {
  return new Uint8Array(bytes);
}

describe('value types', () => {
  const vt = (bytes: number[], f: Features = D) => readValType(new Reader(new Uint8Array(bytes)), f);
  it('decodes numeric, vector and reference types by feature', () => {
    expect([0x7f, 0x7e, 0x7d, 0x7c].map((b) => vt([b]))).toEqual([I32, I64, 0x7d, F64]);
    expect(vt([0x7b])).toBe(V128);
    expectMalformed(() => vt([0x7b], { ...D, simd: false }), 'malformed value type', 0);
    expect(vt([0x70])).toBe(FUNCREF);
    expect(vt([0x6f])).toBe(EXTERNREF);
    expectMalformed(() => vt([0x70], { ...D, referenceTypes: false }), 'malformed value type');
    expectMalformed(() => vt([0x63, 0x00]), 'malformed value type');
    expect(vt([0x63, 0x05], { ...D, functionReferences: true })).toBe(refType(CONCRETE + 5, true));
    expect(vt([0x64, 0x70], { ...D, functionReferences: true })).toBe(refType(HeapTypes.func, false));
    expectMalformed(() => vt([0x64, 0x6e], { ...D, functionReferences: true }), 'malformed heap type', 1);
    expect(vt([0x64, 0x6e], ALL)).toBe(refType(HeapTypes.any, false));
    expect(vt([0x6e], ALL)).toBe(refType(HeapTypes.any, true));
    expect(vt([0x73], ALL)).toBe(refType(HeapTypes.nofunc, true));
    expectMalformed(() => vt([0x6e]), 'malformed value type');
    expect(vt([0x69])).toBe(refType(HeapTypes.exn, true));
    expectMalformed(() => vt([0x69], { ...D, exceptions: false }), 'malformed value type');
    for (const b of [0x00, 0x40, 0x60, 0x7a, 0x75, 0x68, 0x80])
      expectMalformed(() => vt([b], ALL), /malformed/);
    expectMalformed(() => vt([]), 'unexpected end');
  });

  it('decodes heap types: abstract bytes, non-negative type indices', () => {
    const ht = (bytes: number[], f: Features = ALL) => readHeapType(new Reader(new Uint8Array(bytes)), f);
    expect(ht([0x70])).toBe(HeapTypes.func);
    expect(ht([0x80, 0x01])).toBe(CONCRETE + 128);
    // A multi-byte negative s33 is not an abstract heap type.
    expectMalformed(() => ht([0xf0, 0x7f]), 'malformed heap type', 0);
    expectMalformed(() => ht([0x05], D), 'malformed heap type');
    expect(thrown(() => ht(sleb(2_000_000n))).kind).toBe('invalid');
    expect(ht(sleb(999_999n))).toBe(CONCRETE + 999_999);
    expectMalformed(() => ht([0x80, 0x80, 0x80, 0x80, 0x40]), 'integer too large');
  });

  it('decodes reference types; funcref is always allowed', () => {
    const rt = (bytes: number[], f: Features = D) => readRefType(new Reader(new Uint8Array(bytes)), f);
    const mvp = { ...D, referenceTypes: false };
    expect(rt([0x70], mvp)).toBe(FUNCREF);
    expectMalformed(() => rt([0x6f], mvp), 'malformed reference type');
    expect(rt([0x6f])).toBe(EXTERNREF);
    expectMalformed(() => rt([0x7f]), 'malformed reference type', 0);
    expect(rt([0x64, 0x03], ALL)).toBe(refType(CONCRETE + 3, false));
  });

  it('decodes block types', () => {
    const bt = (bytes: number[], f: Features = D) => {
      const out = { blockKind: -1, blockType: -1 };
      const r = new Reader(new Uint8Array(bytes));
      readBlockType(r, f, out);
      expect(r.pos).toBe(bytes.length);
      return [out.blockKind, out.blockType];
    };
    expect(bt([0x40])).toEqual([BlockKind.empty, 0]);
    expect(bt([0x7f])).toEqual([BlockKind.value, I32]);
    expect(bt([0x00])).toEqual([BlockKind.type, 0]);
    expect(bt([0xff, 0xff, 0xff, 0xff, 0x0f])).toEqual([BlockKind.type, 0xffffffff]);
    expect(bt([0x64, 0x00], ALL)).toEqual([BlockKind.value, refType(CONCRETE, false)]);
    expectMalformed(() => bt([0x01], { ...D, multiValue: false }), 'malformed block type');
    expectMalformed(() => bt([0xff, 0x7f]), 'malformed block type', 0);
    expectMalformed(() => bt([0x7a]), 'malformed value type', 0);
  });
});

describe('OperatorReader immediates', () => {
  it('records offsets and block types', () => {
    const r = reader([0x01, 0x02, 0x40, 0x03, 0x7f, 0x04, 0x05, 0x0b], D, 1000);
    expect(r.next()).toBe(Op.nop);
    expect(r.opOffset).toBe(1000);
    expect(r.next()).toBe(Op.block);
    expect(r.opOffset).toBe(1001);
    expect(r.blockKind).toBe(BlockKind.empty);
    expect(r.next()).toBe(Op.loop);
    expect([r.blockKind, r.blockType]).toEqual([BlockKind.value, I32]);
    expect(r.next()).toBe(Op.if);
    expect([r.blockKind, r.blockType]).toEqual([BlockKind.type, 5]);
    expect(r.next()).toBe(Op.end);
    expect(r.opOffset).toBe(1007);
  });

  it('decodes integer and float constants', () => {
    for (const v of [0, 1, -1, 63, 64, -64, -65, 0x7fffffff, -0x80000000]) {
      expect(one([0x41, ...sleb(BigInt(v))]).i32).toBe(v);
    }
    expect(one([0x41, 0x80, 0x00]).i32).toBe(0);
    expect(one([0x41, 0xff, 0xff, 0xff, 0xff, 0x7f]).i32).toBe(-1);
    const r = one([0x43, 0x00, 0x00, 0x80, 0xff]);
    expect(r.f32Bits).toBe(0xff800000);
    const r2 = one([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
    expect([r2.f64Lo, r2.f64Hi]).toEqual([0, 0x7ff00000]);
  });

  it('decodes i64 constants exactly (fast and long paths)', () => {
    const edge = [0n, 1n, -1n, 63n, -64n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n)];
    edge.push(
      2n ** 48n - 1n,
      -(2n ** 48n),
      2n ** 48n,
      2n ** 53n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      0x123456789abcdefn,
    );
    const check = (v: bigint) => {
      const r = one([0x42, ...sleb(v)]);
      expect(r.i64).toBe(v);
      expect(r.i64Lo).toBe(Number(BigInt.asIntN(32, v)));
      expect(r.i64Hi).toBe(Number(BigInt.asIntN(32, v >> 32n)));
    };
    for (const v of edge) check(v);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => check(v)));
    // Overlong but valid encodings.
    expect(one([0x42, 0x80, 0x00]).i64).toBe(0n);
    expect(one([0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).i64).toBe(-1n);
    expect(one([0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).i64).toBe(0n);
  });

  it('decodes long i64 constants when hot (V8 11.3 crashed on a BigInt path)', () => {
    // A body of long and short i64.const immediates, decoded until TurboFan has
    // optimized the decoder: with the long path through BigInt (`s64`), Node 20
    // stopped with a fatal RepresentationChangerError after a few hundred rounds.
    const vals = [-0x61c8864e7a143579n, 0x123456789abcdefn, -0x5deece66dn, 5n, -1n, 2n ** 60n, -(2n ** 63n)];
    const code = new Uint8Array(vals.flatMap((v) => [0x42, ...sleb(v)]));
    const want = vals.map((v) => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))]);
    for (let round = 0; round < 3000; round++) {
      const r = new OperatorReader(code, 0, code.length, 0, DEFAULT_FEATURES);
      for (const [lo, hi] of want) {
        r.next();
        if (r.i64Lo !== lo || r.i64Hi !== hi) expect([round, r.i64Lo, r.i64Hi]).toEqual([round, lo, hi]);
      }
    }
  });

  it('reads any i64.const encoding as Reader.s64 does: value, end, or error and offset', () => {
    const outcome = (read: () => string) => {
      try {
        return read();
      } catch (e) {
        if (!(e instanceof WasmError)) throw e;
        return `${e.kind}: ${e.message} at ${e.offset}`;
      }
    };
    // Mostly continuation bytes, so that long (8 to 10 bytes), overlong and truncated encodings come up.
    const byte = fc.oneof(
      { arbitrary: fc.integer({ min: 0x80, max: 0xff }), weight: 6 },
      { arbitrary: fc.constantFrom(0x00, 0x7f, 0x40, 0x3f, 0x01), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(byte, { minLength: 1, maxLength: 12 }), (bytes) => {
        const u8 = new Uint8Array([0x42, ...bytes]);
        const got = outcome(() => {
          const r = new OperatorReader(u8, 0, u8.length, 100, D);
          r.next();
          return `${r.i64Lo} ${r.i64Hi} ${r.pos}`;
        });
        const expected = outcome(() => {
          const r = new Reader(u8, 1, u8.length, 100);
          const v = r.s64();
          return `${Number(BigInt.asIntN(32, v))} ${Number(BigInt.asIntN(32, v >> 32n))} ${r.pos}`;
        });
        expect(got).toBe(expected);
      }),
      { numRuns: 20000 },
    );
  });

  it('rejects bad LEB128 immediates (binary-leb128.wast)', () => {
    // i32.const: 6 bytes, unused bits set / unset.
    expectMalformed(
      () => one([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
      'integer representation too long',
      5,
    );
    expectMalformed(() => one([0x41, 0x80, 0x80, 0x80, 0x80, 0x70]), 'integer too large', 5);
    expectMalformed(() => one([0x41, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'integer too large');
    expectMalformed(() => one([0x41, 0x80, 0x80, 0x80, 0x80, 0x1f]), 'integer too large');
    // i64.const.
    const ten = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];
    expectMalformed(() => one([0x42, ...ten, 0x80, 0x00]), 'integer representation too long');
    expectMalformed(() => one([0x42, ...ten, 0x02]), 'integer too large', 10);
    expectMalformed(
      () => one([0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x41]),
      'integer too large',
    );
    // Memarg align / offset, local index.
    const load = (...imm: number[]) => one([0x28, ...imm]);
    expectMalformed(() => load(0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00), 'integer representation too long');
    expectMalformed(() => load(0x02, 0x82, 0x80, 0x80, 0x80, 0x10), 'integer too large');
    expectMalformed(() => load(0x02, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00), 'integer representation too long');
    expectMalformed(() => one([0x20, 0x80, 0x80, 0x80, 0x80, 0x10]), 'integer too large');
    // Overlong but in range: fine.
    expect(load(0x82, 0x80, 0x80, 0x80, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00).memAlign).toBe(2);
  });

  it('decodes memargs with multi-memory and memory64', () => {
    let r = one([0x28, 0x42, 0x03]);
    expect([r.memAlign, r.memIndex, r.memOffset]).toEqual([0x42, 0, 3]); // without multi-memory, bit 6 is alignment
    r = one([0x28, 0x42, 0x03, 0x10], { ...D, multiMemory: true });
    expect([r.memAlign, r.memIndex, r.memOffset]).toEqual([2, 3, 0x10]);
    expectMalformed(() => one([0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10]), 'integer too large');
    r = one([0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10], { ...D, memory64: true });
    expect(r.memOffset).toBe(2 ** 32);
    r = one([0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(r.memOffset).toBe(0xffffffff);
    expectMalformed(
      () =>
        one([0x28, 0x02, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], {
          ...D,
          memory64: true,
        }),
      'integer representation too long',
    );
    r = one([0xfd, 0x54, 0x00, 0x08, 0x0f]);
    expect([r.memAlign, r.memOffset, r.lane]).toEqual([0, 8, 15]);
  });

  it('requires the reserved zero bytes of MVP encodings', () => {
    // memory.size / memory.grow (binary.wast).
    for (const op of [0x3f, 0x40]) {
      expect(one([op, 0x00]).memIndex).toBe(0);
      expectMalformed(() => one([op, 0x01]), 'zero byte expected', 1);
      for (const long of [
        [0x80, 0x00],
        [0x80, 0x80, 0x00],
        [0x80, 0x80, 0x80, 0x00],
        [0x80, 0x80, 0x80, 0x80, 0x00],
      ])
        expectMalformed(() => reader([op, ...long]).next(), 'zero byte expected', 1);
      expect(one([op, 0x80, 0x00], { ...D, multiMemory: true }).memIndex).toBe(0);
      expect(one([op, 0x02], { ...D, multiMemory: true }).memIndex).toBe(2);
    }
    expectMalformed(() => one([0xfc, 0x0b, 0x01]), 'zero byte expected'); // memory.fill
    expectMalformed(() => one([0xfc, 0x0a, 0x00, 0x01]), 'zero byte expected', 3); // memory.copy
    expectMalformed(() => one([0xfc, 0x08, 0x05, 0x01]), 'zero byte expected'); // memory.init
    expect(one([0xfc, 0x08, 0x05, 0x00]).index).toBe(5);
    // call_indirect: a table index with reference types, a zero flag without.
    expect(one([0x11, 0x00, 0x01]).index2).toBe(1);
    expect(one([0x11, 0x00, 0x80, 0x00]).index2).toBe(0);
    const mvp = { ...D, referenceTypes: false };
    expectMalformed(() => one([0x11, 0x00, 0x01], mvp), 'zero flag expected', 2);
    expectMalformed(() => reader([0x11, 0x00, 0x80, 0x00], mvp).next(), 'zero flag expected', 2);
    expectMalformed(() => one([0xfc, 0x0e, 0x00, 0x01], mvp), 'zero byte expected'); // table.copy
    expectMalformed(() => one([0xfc, 0x0c, 0x00, 0x01], mvp), 'zero byte expected'); // table.init
    expect(one([0xfc, 0x0e, 0x01, 0x02])).toMatchObject({ index: 1, index2: 2 });
    // atomic.fence.
    expect(one([0xfe, 0x03, 0x00]).pos).toBe(3);
    expectMalformed(() => one([0xfe, 0x03, 0x01]), 'zero byte expected', 2);
  });

  it('decodes br_table, select t, try_table, GC casts', () => {
    let r = one([0x0e, 0x03, 0x00, 0x01, 0x80, 0x01, 0x02]);
    expect([r.brTargets, r.brDefault]).toEqual([[0, 1, 128], 2]);
    r = one([0x0e, 0x00, 0x07]);
    expect([r.brTargets, r.brDefault]).toEqual([[], 7]);
    expectMalformed(() => one([0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), 'unexpected end');
    // More targets than V8 allows (IMPL_LIMITS.brTableTargets), all present: invalid, at the count.
    const many = [
      0x0e,
      ...u32(IMPL_LIMITS.brTableTargets + 1),
      ...new Array(IMPL_LIMITS.brTableTargets + 2).fill(0),
    ];
    const e = thrown(() => one(many));
    expect([e.kind, e.message, e.offset]).toEqual([
      'invalid',
      'invalid table count (> max br_table size): 65521',
      1,
    ]);
    expect(
      one([0x0e, ...u32(IMPL_LIMITS.brTableTargets), ...new Array(IMPL_LIMITS.brTableTargets + 1).fill(0)])
        .brTargets.length,
    ).toBe(IMPL_LIMITS.brTableTargets);
    r = one([0x1c, 0x01, 0x7b]);
    expect(r.selectTypes).toEqual([V128]);
    expect(one([0x1c, 0x02, 0x7f, 0x7e]).selectTypes).toEqual([I32, I64]); // arity is validation's business
    expectMalformed(() => one([0x1c, 0x01, 0x40]), 'malformed value type');
    r = one([0x1f, 0x7f, 0x04, 0x00, 0x01, 0x02, 0x01, 0x03, 0x04, 0x02, 0x05, 0x03, 0x06]);
    expect([r.blockKind, r.blockType]).toEqual([BlockKind.value, I32]);
    expect(r.catchKinds).toEqual([0, 1, 2, 3]);
    expect(r.catchTags).toEqual([1, 3, -1, -1]);
    expect(r.catchLabels).toEqual([2, 4, 5, 6]);
    expectMalformed(() => one([0x1f, 0x40, 0x01, 0x04, 0x00]), 'malformed catch clause', 3);
    r = one([0xfb, 0x18, 0x01, 0x00, 0x6e, 0x6c], ALL);
    expect([r.castFlags, r.index, r.heapType, r.heapType2]).toEqual([1, 0, HeapTypes.any, HeapTypes.i31]);
    expectMalformed(() => one([0xfb, 0x18, 0x04, 0x00, 0x6e, 0x6c], ALL), 'malformed cast flags', 2);
    expect(one([0xfb, 0x15, 0x71], ALL).heapType).toBe(HeapTypes.none);
    expect(one([0xd0, 0x70]).heapType).toBe(HeapTypes.func);
    expectMalformed(() => one([0xd0, 0x00]), 'malformed heap type', 1);
    expect(one([0xd0, 0x00], ALL).heapType).toBe(CONCRETE);
    r = one([0xfd, 0x0d, ...Array.from({ length: 16 }, (_, i) => 31 - i)]);
    expect(r.v128.length).toBe(16);
    expect(r.v128[0]).toBe(31);
    r = one([0xfd, 0x15, 0x20]); // lane ranges are validation's business
    expect(r.lane).toBe(0x20);
  });

  it('rejects unknown and disabled opcodes', () => {
    for (const b of [0x16, 0x17, 0x1d, 0x1e, 0x27, 0xc5, 0xcf, 0xd7, 0xfa, 0xff]) {
      expectMalformed(() => reader([b], ALL).next(), /^illegal opcode 0x[0-9a-f]+$/, 0);
    }
    const r = reader([0x01, 0x27], D, 50);
    r.next();
    expectMalformed(() => r.next(), 'illegal opcode 0x27', 51);
    expectMalformed(() => one([0xfd, 0x9a, 0x01]), 'illegal opcode 0xfd 0x9a', 0);
    expectMalformed(() => one([0xfd, 0x94, 0x02], ALL), 'illegal opcode 0xfd 0x114');
    expectMalformed(() => one([0xfc, 0x12]), 'illegal opcode');
    expectMalformed(() => one([0xfe, 0x04, 0x00, 0x00]), 'illegal opcode');
    expectMalformed(() => one([0xfb, 0x1f], ALL), 'illegal opcode');
    expectMalformed(() => one([0xfd, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'illegal opcode 0xfd 0xffffffff');
    expectMalformed(() => one([0xfd, 0xff, 0xff, 0xff, 0xff, 0x1f]), 'integer too large');
    const off = (f: Partial<Features>) => ({ ...ALL, ...f });
    const disabled: [number[], Partial<Features>][] = [
      [[0xc0], { signExtension: false }],
      [[0xfc, 0x00], { saturatingFloatToInt: false }],
      [[0xfc, 0x0a, 0x00, 0x00], { bulkMemory: false }],
      [[0xfc, 0x09, 0x00], { bulkMemory: false }],
      [[0x25, 0x00], { referenceTypes: false }],
      [[0xd0, 0x70], { referenceTypes: false }],
      [[0x1c, 0x01, 0x7f], { referenceTypes: false }],
      [[0xfc, 0x10, 0x00], { referenceTypes: false }],
      [[0xfd, 0x0c, ...new Array(16).fill(0)], { simd: false }],
      [[0xfd, 0x80, 0x02], { relaxedSimd: false }],
      [[0xfe, 0x03, 0x00], { threads: false }],
      [[0x06, 0x40], { exceptions: false }],
      [[0x1f, 0x40, 0x00], { exceptions: false }],
      [[0x0a], { exceptions: false }],
      [[0x12, 0x00], { tailCall: false }],
      [[0x15, 0x00], { tailCall: false }],
      [[0x14, 0x00], { functionReferences: false, gc: false }],
      [[0xd4], { functionReferences: false, gc: false }],
      [[0xd3], { gc: false }],
      [[0xfb, 0x1c], { gc: false }],
    ];
    for (const [bytes, f] of disabled) {
      expect(one(bytes, ALL).pos).toBe(bytes.length);
      const e = expectMalformed(() => one(bytes, off(f)), 'illegal opcode', 0);
      expect(e.message).toMatch(/is not enabled/);
    }
    // GC implies function references.
    expect(one([0x14, 0x00], off({ functionReferences: false })).index).toBe(0);
  });

  it('reports truncation inside every immediate as unexpected end', () => {
    const samples = [
      [0x41, 0x80, 0x80, 0x01],
      [0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      [0x43, 1, 2, 3, 4],
      [0x44, 1, 2, 3, 4, 5, 6, 7, 8],
      [0x28, 0x02, 0x80, 0x01],
      [0x0e, 0x02, 0x00, 0x01, 0x02],
      [0xfd, 0x0c, ...new Array(16).fill(7)],
      [0xfd, 0x54, 0x00, 0x00, 0x01],
      [0x1f, 0x40, 0x01, 0x00, 0x01, 0x02],
      [0xfb, 0x18, 0x00, 0x00, 0x6e, 0x80, 0x01],
      [0xfc, 0x0e, 0x01, 0x02],
      [0x11, 0x80, 0x01, 0x00],
      [0x02, 0x80, 0x01],
    ];
    for (const s of samples) {
      expect(one(s, ALL).pos).toBe(s.length);
      for (let cut = 0; cut < s.length; cut++) {
        const part = s.slice(0, cut);
        const r = reader(part, ALL, 200);
        const e = expectMalformed(() => r.next(), 'unexpected end');
        expect(e.offset).toBeGreaterThanOrEqual(200);
        expect(e.offset).toBeLessThanOrEqual(200 + cut);
      }
    }
  });
});

describe('OperatorReader locals', () => {
  it('keeps (count, type) runs', () => {
    const r = reader([0x03, 0x00, 0x7f, 0x02, 0x7e, 0x80, 0x01, 0x7b, 0x0b]);
    r.readLocals();
    expect(r.localCounts).toEqual([0, 2, 128]);
    expect(r.localTypesRun).toEqual([I32, I64, V128]);
    expect(r.numLocals).toBe(130);
    expect(r.localTypes([F64]).length).toBe(131);
    expect(r.localTypes([F64]).slice(0, 4)).toEqual([F64, I64, I64, V128]);
    expect(r.next()).toBe(Op.end);
  });

  it('enforces local-count limits (binary.wast)', () => {
    const read = (bytes: number[], params = 0) => reader(bytes).readLocals(params);
    expectMalformed(() => read([0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7f, 0x02, 0x7e]), 'integer too large');
    expectMalformed(() => read([0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e]), 'too many locals', 7);
    const q = [0x80, 0x80, 0x80, 0x80, 0x04];
    expectMalformed(() => read([0x04, ...q, 0x7f, ...q, 0x7e, ...q, 0x7d, ...q, 0x7c], 2), 'too many locals');
    read([0x01, ...u32(MAX_FUNCTION_LOCALS), 0x7f]);
    read([0x01, ...u32(MAX_FUNCTION_LOCALS - 2), 0x7f], 2);
    const e = thrown(() => read([0x01, ...u32(MAX_FUNCTION_LOCALS - 1), 0x7f], 2));
    expect([e.kind, e.message]).toEqual(['invalid', 'too many locals']);
    expect(thrown(() => read([0x02, ...u32(40000), 0x7f, ...u32(40000), 0x7e])).kind).toBe('invalid');
    expectMalformed(() => read([0x01, 0x01, 0x40]), 'malformed value type', 2);
    expectMalformed(() => read([0x02, 0x01, 0x7f]), 'unexpected end', 3);
  });
});

describe('checkBodyDecodes', () => {
  it('accepts bodies that end with the matching end', () => {
    checkBodyDecodes(body(0x00, 0x0b), D);
    checkBodyDecodes(body(0x01, 0x01, 0x7f, 0x20, 0x00, 0x1a, 0x0b), D);
    // block / loop / if-else / nested.
    checkBodyDecodes(
      body(0x00, 0x02, 0x40, 0x03, 0x40, 0x41, 0x00, 0x04, 0x40, 0x05, 0x0b, 0x0b, 0x0b, 0x0b),
      D,
    );
    // legacy try/catch/catch_all, try/delegate, try_table.
    checkBodyDecodes(
      body(0x00, 0x06, 0x40, 0x07, 0x00, 0x19, 0x0b, 0x06, 0x40, 0x06, 0x40, 0x18, 0x00, 0x0b, 0x0b),
      D,
    );
    checkBodyDecodes(body(0x00, 0x1f, 0x40, 0x01, 0x02, 0x00, 0x0b, 0x0b), D);
  });

  it('rejects a missing end, trailing operators, and delegate at function level', () => {
    let e = expectMalformed(
      () => checkBodyDecodes(body(0x00, 0x41, 0x01, 0x1a), D, 100, 3),
      'END opcode expected',
      104,
    );
    expect(e.funcIndex).toBe(3);
    expectMalformed(() => checkBodyDecodes(body(0x00, 0x02, 0x40, 0x0b), D), 'END opcode expected', 4);
    e = expectMalformed(
      () => checkBodyDecodes(body(0x00, 0x0b, 0x01, 0x0b), D, 10, 0),
      /operators remaining/,
      12,
    );
    expect(e.funcIndex).toBe(0);
    expectMalformed(() => checkBodyDecodes(body(), D), 'unexpected end', 0);
    e = thrown(() => checkBodyDecodes(body(0x00, 0x18, 0x00, 0x0b), D, 0, 7));
    expect([e.kind, e.funcIndex]).toEqual(['invalid', 7]);
    // br_table with inconsistent target count (binary.wast): runs out of bytes.
    const bad = body(
      0x00,
      0x02,
      0x40,
      0x41,
      0x01,
      0x04,
      0x40,
      0x41,
      0x01,
      0x0e,
      0x01,
      0x00,
      0x01,
      0x02,
      0x0b,
      0x0b,
      0x0b,
    );
    expect(thrown(() => checkBodyDecodes(bad, D)).kind).toBe('malformed');
  });

  it('fails only with malformed WasmErrors inside the body when truncated anywhere', () => {
    const full = body(
      ...[0x02, 0x01, 0x7f, 0x01, 0x7b],
      ...[0x02, 0x40, 0x20, 0x00, 0x04, 0x7f, 0x41, 0xe5, 0x8e, 0x26, 0x05, 0x41, 0x7f, 0x0b, 0x1a, 0x0b],
      ...[0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1a],
      ...[0x41, 0x00, 0x28, 0x02, 0x80, 0x08, 0x1a, 0x0e, 0x02, 0x00, 0x00, 0x00],
      ...[0xfd, 0x0c, ...new Array(16).fill(1), 0xfd, 0x0d, ...new Array(16).fill(2), 0x1a],
      ...[0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x1a, 0x3f, 0x00, 0x1a, 0xfc, 0x0b, 0x00],
      ...[0x1f, 0x40, 0x01, 0x02, 0x00, 0x0b, 0x0b],
    );
    checkBodyDecodes(full, D, 500, 1);
    for (let cut = 0; cut < full.length; cut++) {
      const e = thrown(() => checkBodyDecodes(full.subarray(0, cut), D, 500, 1));
      expect(e.kind).toBe('malformed');
      expect(e.funcIndex).toBe(1);
      expect(e.offset).toBeGreaterThanOrEqual(500);
      expect(e.offset).toBeLessThanOrEqual(500 + cut);
    }
  });

  it('throws nothing but WasmErrors on random bytes', () => {
    const featureSets = [D, ALL, { ...D, referenceTypes: false, simd: false }];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2 }), (bytes, fi) => {
        try {
          checkBodyDecodes(bytes, featureSets[fi], 0, 0);
        } catch (e) {
          if (!(e instanceof WasmError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 20000 },
    );
    // Bodies made of opcodes that exist, so decoding gets further.
    const opBytes = [
      0x00, 0x01, 0x02, 0x0b, 0x0e, 0x1c, 0x28, 0x41, 0x42, 0x44, 0xfb, 0xfc, 0xfd, 0xfe, 0x1f, 0x40,
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...opBytes), fc.integer({ min: 0, max: 255 })), { maxLength: 80 }),
        (arr) => {
          try {
            checkBodyDecodes(new Uint8Array(arr), ALL);
          } catch (e) {
            if (!(e instanceof WasmError)) throw e;
          }
        },
      ),
      { numRuns: 20000 },
    );
  });
});

// ---- The test suite's binary modules ----------------------------------------------------

interface Body {
  offset: number;
  bytes: Uint8Array;
}

/** Function bodies of a module, found by walking sections (enough for well-formed modules). */
function codeBodies(buf: Uint8Array): Body[] {
  const r = new Reader(buf, 8);
  const out: Body[] = [];
  while (r.pos < r.end) {
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (id === 10) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const len = r.u32();
        out.push({ offset: r.pos, bytes: buf.subarray(r.pos, r.pos + len) });
        r.pos += len;
      }
    }
    r.pos = start + size;
  }
  return out;
}

function* jsonFiles(dir: string): Generator<string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* jsonFiles(p);
    else if (p.endsWith('.json')) yield p;
  }
}

function featuresFor(path: string): Features | null {
  // wast2json 1.0.32 encodes typed references with pre-standard bytes.
  if (path.includes('function-references') || path.includes('/gc/')) return null;
  return {
    ...D,
    multiMemory: path.includes('multi-memory'),
    memory64: path.includes('memory64'),
    relaxedSimd: path.includes('relaxed-simd'),
  };
}

describe.skipIf(!existsSync(join(testsuite, 'json')))('checkBodyDecodes on the test suite', () => {
  it('decodes every body of valid and invalid (not malformed) modules', () => {
    let bodies = 0;
    const failures: string[] = [];
    for (const file of jsonFiles(join(testsuite, 'json'))) {
      const features = featuresFor(file);
      if (features === null) continue;
      const script = JSON.parse(readFileSync(file, 'utf8')) as {
        commands: { type: string; filename?: string; module_type?: string; text?: string }[];
      };
      for (const cmd of script.commands) {
        if (!cmd.filename?.endsWith('.wasm')) continue;
        const wantValid =
          cmd.type === 'module' || cmd.type === 'assert_unlinkable' || cmd.type === 'assert_uninstantiable';
        if (!wantValid && cmd.type !== 'assert_invalid') continue;
        const buf = new Uint8Array(readFileSync(join(file, '..', cmd.filename)));
        let list: Body[];
        try {
          list = codeBodies(buf);
        } catch {
          continue; // module-level problems are the section decoder's
        }
        list.forEach((b, i) => {
          bodies++;
          try {
            checkBodyDecodes(b.bytes, features, b.offset, i);
          } catch (e) {
            const kind = e instanceof WasmError ? e.kind : 'exception';
            // Invalid modules may fail validation-level checks here, never decoding.
            if (wantValid || kind !== 'invalid')
              failures.push(`${cmd.filename} func ${i}: ${kind} ${(e as Error).message}`);
          }
        });
      }
    }
    expect(failures).toEqual([]);
    expect(bodies).toBeGreaterThan(5000);
  });
});
