import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONCRETE,
  constantEnabled,
  DEFAULT_FEATURES,
  I64,
  Imm,
  OP_ALIASES,
  OPCODES,
  Op,
  OperatorReader,
  type OpFamily,
  type OpInfo,
  opByName,
  opEnabled,
  opIdString,
  opInfo,
  prefixSize,
} from '../src/index.js';
import { ALL, sleb, testsuite, u32 } from './support.js';

function opcodeBytes(info: OpInfo): number[] {
  return info.prefix === 0 ? [info.code] : [info.prefix, ...u32(info.code)];
}

const SEQ16 = Array.from({ length: 16 }, (_, i) => i);

/** Sample immediate bytes per kind, and what the reader must report for them. */
function sample(info: OpInfo): { bytes: number[]; check: (r: OperatorReader) => void } {
  const align = Math.max(info.natAlign, 0);
  switch (info.imm) {
    case Imm.none:
      return { bytes: [], check: () => {} };
    case Imm.blockType:
      return { bytes: [0x7e], check: (r) => expect([r.blockKind, r.blockType]).toEqual([1, I64]) };
    case Imm.label:
    case Imm.func:
    case Imm.local:
    case Imm.global:
    case Imm.table:
    case Imm.data:
    case Imm.elem:
    case Imm.tag:
    case Imm.type:
      return { bytes: u32(300), check: (r) => expect(r.index).toBe(300) };
    case Imm.brTable:
      return {
        bytes: [2, 1, ...u32(128), 5],
        check: (r) => expect([r.brTargets, r.brDefault]).toEqual([[1, 128], 5]),
      };
    case Imm.callIndirect:
      return { bytes: [...u32(7), 2], check: (r) => expect([r.index, r.index2]).toEqual([7, 2]) };
    case Imm.memarg:
      return {
        bytes: [align, ...u32(1000)],
        check: (r) => expect([r.memAlign, r.memOffset, r.memIndex]).toEqual([align, 1000, 0]),
      };
    case Imm.memargLane:
      return {
        bytes: [align | 0x40, 1, ...u32(70000), 1],
        check: (r) => expect([r.memAlign, r.memOffset, r.memIndex, r.lane]).toEqual([align, 70000, 1, 1]),
      };
    case Imm.memory:
      return { bytes: [2], check: (r) => expect(r.memIndex).toBe(2) };
    case Imm.i32:
      return { bytes: sleb(-123456n), check: (r) => expect(r.i32).toBe(-123456) };
    case Imm.i64:
      return { bytes: sleb(-1234567890123n), check: (r) => expect(r.i64).toBe(-1234567890123n) };
    case Imm.f32:
      return { bytes: [1, 0, 0xc0, 0x7f], check: (r) => expect(r.f32Bits).toBe(0x7fc00001) };
    case Imm.f64:
      return {
        bytes: [1, 2, 3, 4, 5, 6, 0xf8, 0xff],
        check: (r) => expect([r.f64Lo, r.f64Hi]).toEqual([0x04030201, 0xfff80605]),
      };
    case Imm.selectT:
      return { bytes: [1, 0x7e], check: (r) => expect(r.selectTypes).toEqual([I64]) };
    case Imm.refNull:
      return { bytes: [0x6f], check: (r) => expect(r.heapType).toBe(0x6f) };
    case Imm.heapType:
      return { bytes: [2], check: (r) => expect(r.heapType).toBe(CONCRETE + 2) };
    case Imm.memoryInit:
      return { bytes: [3, 1], check: (r) => expect([r.index, r.memIndex]).toEqual([3, 1]) };
    case Imm.memoryCopy:
      return { bytes: [1, 2], check: (r) => expect([r.memIndex, r.index2]).toEqual([1, 2]) };
    case Imm.tableInit:
    case Imm.tableCopy:
    case Imm.typeField:
    case Imm.typeType:
    case Imm.typeData:
    case Imm.typeElem:
    case Imm.typeN:
      return { bytes: [...u32(4), 1], check: (r) => expect([r.index, r.index2]).toEqual([4, 1]) };
    case Imm.v128:
    case Imm.shuffle:
      return { bytes: SEQ16, check: (r) => expect(Array.from(r.v128)).toEqual(SEQ16) };
    case Imm.lane:
      return { bytes: [3], check: (r) => expect(r.lane).toBe(3) };
    case Imm.tryTable:
      return {
        bytes: [0x40, 2, 0, 1, 0, 3, 1],
        check: (r) => {
          expect(r.blockKind).toBe(0);
          expect([r.catchKinds, r.catchTags, r.catchLabels]).toEqual([
            [0, 3],
            [1, -1],
            [0, 1],
          ]);
        },
      };
    case Imm.brOnCast:
      return {
        bytes: [3, 1, 0x6e, 0x6c],
        check: (r) => expect([r.castFlags, r.index, r.heapType, r.heapType2]).toEqual([3, 1, 0x6e, 0x6c]),
      };
    case Imm.atomicFence:
      return { bytes: [0], check: () => {} };
  }
  throw new Error(`no sample for immediate kind ${info.imm}`);
}

describe('opcode table', () => {
  it('has unique ids, names and keys, and Op matches the table exactly', () => {
    expect(new Set(OPCODES.map((o) => o.id)).size).toBe(OPCODES.length);
    expect(new Set(OPCODES.map((o) => o.name)).size).toBe(OPCODES.length);
    expect(new Set(OPCODES.map((o) => o.key)).size).toBe(OPCODES.length);
    expect(Object.keys(Op).length).toBe(OPCODES.length);
    for (const info of OPCODES) {
      expect(Op[info.key]).toBe(info.id);
      expect(info.key).toBe(info.name.replace(/[./ ]/g, '_'));
      expect(info.mnemonic).toBe(info.name.split(' ')[0]);
    }
    // Sorted by id.
    for (let i = 1; i < OPCODES.length; i++) expect(OPCODES[i].id).toBeGreaterThan(OPCODES[i - 1].id);
  });

  it('encodes ids as byte or prefix << 16 | subopcode', () => {
    for (const info of OPCODES) {
      if (info.prefix === 0) {
        expect(info.id).toBe(info.code);
        expect(info.code).toBeLessThan(0xfb);
      } else {
        expect([0xfb, 0xfc, 0xfd, 0xfe]).toContain(info.prefix);
        expect(info.id).toBe(info.prefix * 0x10000 + info.code);
        expect(info.code).toBeLessThan(prefixSize(info.prefix));
      }
      expect(opInfo(info.id)).toBe(info);
    }
  });

  it('knows the standard encodings', () => {
    const cases: [number, string][] = [
      [0x00, 'unreachable'],
      [0x1c, 'select t'],
      [0x6a, 'i32.add'],
      [0xc4, 'i64.extend32_s'],
      [0xd6, 'br_on_non_null'],
      [0xfc0000, 'i32.trunc_sat_f32_s'],
      [0xfc000a, 'memory.copy'],
      [0xfc0011, 'table.fill'],
      [0xfd000c, 'v128.const'],
      [0xfd000d, 'i8x16.shuffle'],
      [0xfd005d, 'v128.load64_zero'],
      [0xfd0062, 'i8x16.popcnt'],
      [0xfd00ba, 'i32x4.dot_i16x8_s'],
      [0xfd00ff, 'f64x2.convert_low_i32x4_u'],
      [0xfd0100, 'i8x16.relaxed_swizzle'],
      [0xfd0113, 'i32x4.relaxed_dot_i8x16_i7x16_add_s'],
      [0xfe0003, 'atomic.fence'],
      [0xfe004e, 'i64.atomic.rmw32.cmpxchg_u'],
      [0xfb0000, 'struct.new'],
      [0xfb0008, 'array.new_fixed'],
      [0xfb0015, 'ref.test null'],
      [0xfb0019, 'br_on_cast_fail'],
      [0xfb001e, 'i31.get_u'],
      [0x1f, 'try_table'],
      [0x18, 'delegate'],
    ];
    for (const [id, name] of cases) expect(opInfo(id)?.name, opIdString(id)).toBe(name);
    expect(Op.memory_copy).toBe(0xfc000a);
    expect(Op.i8x16_shuffle).toBe(0xfd000d);
    expect(Op.i32_trunc_sat_f32_s).toBe(0xfc0000);
  });

  it('returns undefined for unknown ids', () => {
    for (const id of [
      0x27, 0x16, 0xd7, 0xff, 0xfb, 0xfd009a, 0xfd0114, 0xfc0012, 0xfe0004, 0xfb001f, 0xfa0000, -1,
    ])
      expect(opInfo(id)).toBeUndefined();
  });

  it('has well-formed signatures, features and alignments', () => {
    const letters: Record<string, number> = { i: 0x7f, I: 0x7e, f: 0x7d, F: 0x7c, v: 0x7b };
    for (const info of OPCODES) {
      if (info.feature !== null) expect(Object.keys(DEFAULT_FEATURES)).toContain(info.feature);
      if (info.sig === null) {
        expect(info.params).toBeNull();
        expect(info.results).toBeNull();
      } else {
        expect(info.sig).toMatch(/^[iIfFv]*:[iIfFv]?$/);
        const [p, r] = info.sig.split(':');
        expect(info.params).toEqual([...p].map((c) => letters[c]));
        expect(info.results).toEqual([...r].map((c) => letters[c]));
      }
      const isMem = info.imm === Imm.memarg || info.imm === Imm.memargLane;
      expect(info.natAlign >= 0, info.name).toBe(isMem);
      if (isMem) expect(info.natAlign).toBeLessThanOrEqual(4);
    }
    expect(opInfo(Op.i32_add)!.sig).toBe('ii:i');
    expect(opInfo(Op.i64_eqz)!.sig).toBe('I:i');
    expect(opInfo(Op.f32_demote_f64)!.sig).toBe('F:f');
    expect(opInfo(Op.i32_load)!.sig).toBe('i:i');
    expect(opInfo(Op.v128_store)!.sig).toBe('iv:');
    expect(opInfo(Op.i64_load32_u)!.natAlign).toBe(2);
    expect(opInfo(Op.v128_load)!.natAlign).toBe(4);
    expect(opInfo(Op.block)!.sig).toBeNull();
  });

  it('gates operators by feature', () => {
    expect(opEnabled(opInfo(Op.i32_add)!, DEFAULT_FEATURES)).toBe(true);
    expect(opEnabled(opInfo(Op.call_ref)!, DEFAULT_FEATURES)).toBe(false);
    expect(opEnabled(opInfo(Op.call_ref)!, { ...DEFAULT_FEATURES, gc: true })).toBe(true);
    const refs = { ...DEFAULT_FEATURES, functionReferences: true };
    expect(opEnabled(opInfo(Op.return_call_ref)!, refs)).toBe(true);
    expect(opEnabled(opInfo(Op.return_call_ref)!, { ...refs, tailCall: false })).toBe(false);
    expect(opEnabled(opInfo(Op.i8x16_relaxed_swizzle)!, DEFAULT_FEATURES)).toBe(false);
  });

  it('looks up names, keywords and aliases', () => {
    expect(opByName('i32.add')?.id).toBe(Op.i32_add);
    expect(opByName('select')?.id).toBe(Op.select);
    expect(opByName('select t')?.id).toBe(Op.select_t);
    expect(opByName('ref.test')?.id).toBe(Op.ref_test);
    expect(opByName('i31.new')?.id).toBe(Op.ref_i31);
    expect(opByName('nope')).toBeUndefined();
    for (const target of Object.values(OP_ALIASES)) expect(opByName(target)).toBeDefined();
  });

  it('names the family of every operator', () => {
    const names = (family: OpFamily) => OPCODES.filter((o) => o.family === family).map((o) => o.name);
    const numeric = ['i32', 'i64', 'f32', 'f64'] as const;
    const counts: Record<string, number> = {};
    for (const info of OPCODES) {
      counts[info.family] = (counts[info.family] ?? 0) + 1;
      if (info.prefix === 0xfe) expect(info.family, info.name).toBe('atomic');
      else if (info.feature === 'simd' || info.feature === 'relaxedSimd')
        expect(info.family, info.name).toBe('simd');
      else if (info.imm === Imm.memarg) expect(info.family, info.name).toBe('memory');
      // A numeric operator's family is its name's type prefix, whatever types it converts from.
      const head = info.name.split('.')[0];
      if (
        (numeric as readonly string[]).includes(head) &&
        info.family !== 'memory' &&
        info.family !== 'atomic'
      )
        expect(info.family, info.name).toBe(info.name.endsWith('.const') ? 'const' : head);
    }
    expect(Object.keys(counts).sort()).toEqual(
      [
        'atomic',
        'bulk',
        'call',
        'const',
        'control',
        'f32',
        'f64',
        'gc',
        'i32',
        'i64',
        'memory',
        'parametric',
        'reference',
        'simd',
        'table',
        'variable',
      ].sort(),
    );
    expect(names('control')).toEqual(
      'unreachable nop block loop if else try catch throw rethrow throw_ref end br br_if br_table return delegate catch_all try_table br_on_null br_on_non_null br_on_cast br_on_cast_fail'.split(
        ' ',
      ),
    );
    expect(names('call')).toEqual(
      'call call_indirect return_call return_call_indirect call_ref return_call_ref'.split(' '),
    );
    expect(names('parametric')).toEqual(['drop', 'select', 'select t']);
    expect(names('variable')).toEqual('local.get local.set local.tee global.get global.set'.split(' '));
    expect(names('table')).toEqual('table.get table.set table.grow table.size table.fill'.split(' '));
    expect(names('bulk')).toEqual(
      'memory.init data.drop memory.copy memory.fill table.init elem.drop table.copy'.split(' '),
    );
    expect(names('reference')).toEqual('ref.null ref.is_null ref.func ref.eq ref.as_non_null'.split(' '));
    expect(names('const')).toEqual('i32.const i64.const f32.const f64.const'.split(' '));
    expect(names('memory').filter((n) => n.startsWith('memory.'))).toEqual(['memory.size', 'memory.grow']);
    expect(counts.memory).toBe(25);
    expect(counts.atomic).toBe(67);
    expect(counts.simd).toBe(256);
    expect(names('gc')).toContain('ref.test null');
    expect(names('gc')).toContain('ref.i31');
    expect(names('gc')).toContain('any.convert_extern');
    expect(counts.gc).toBe(29);
    expect(opInfo(Op.i32_wrap_i64)!.family).toBe('i32');
    expect(opInfo(Op.f64_promote_f32)!.family).toBe('f64');
    expect(opInfo(Op.i64_trunc_sat_f32_s)!.family).toBe('i64');
  });

  it('marks the operators whose f32 operands may be read quieted', () => {
    const quiet = OPCODES.filter((o) => o.quietF32Operands).map((o) => o.name);
    expect(quiet).toEqual(
      [
        'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge',
        'f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt',
        'f32.add f32.sub f32.mul f32.div f32.min f32.max',
        'i32.trunc_f32_s i32.trunc_f32_u i64.trunc_f32_s i64.trunc_f32_u f64.promote_f32',
        'i32.trunc_sat_f32_s i32.trunc_sat_f32_u i64.trunc_sat_f32_s i64.trunc_sat_f32_u',
      ]
        .join(' ')
        .split(' '),
    );
    // What copies or exposes an f32's bits is not among them.
    for (const op of [
      Op.f32_abs,
      Op.f32_neg,
      Op.f32_copysign,
      Op.i32_reinterpret_f32,
      Op.f32_store,
      Op.f32x4_splat,
    ])
      expect(opInfo(op)!.quietF32Operands).toBe(false);
  });

  it('marks the constant instructions and gates extended-const arithmetic', () => {
    const constant = OPCODES.filter((o) => o.constant).map((o) => o.name);
    expect(constant.sort()).toEqual(
      [
        'i32.const i64.const f32.const f64.const v128.const global.get ref.null ref.func',
        'i32.add i32.sub i32.mul i64.add i64.sub i64.mul',
        'struct.new struct.new_default array.new array.new_default array.new_fixed',
        'ref.i31 any.convert_extern extern.convert_any',
      ]
        .join(' ')
        .split(' ')
        .sort(),
    );
    const noExtended = { ...DEFAULT_FEATURES, extendedConst: false };
    for (const info of OPCODES) {
      const arithmetic = info.family === 'i32' || info.family === 'i64';
      expect(info.constantFeature, info.name).toBe(info.constant && arithmetic ? 'extendedConst' : null);
      expect(constantEnabled(info, noExtended), info.name).toBe(info.constant && !arithmetic);
    }
    expect(constantEnabled(opInfo(Op.i64_mul)!, DEFAULT_FEATURES)).toBe(true);
    expect(constantEnabled(opInfo(Op.i32_div_s)!, DEFAULT_FEATURES)).toBe(false);
    expect(constantEnabled(opInfo(Op.global_set)!, DEFAULT_FEATURES)).toBe(false);
  });

  it('round-trips every operator through the operator reader', () => {
    for (const info of OPCODES) {
      const { bytes, check } = sample(info);
      const body = new Uint8Array([...opcodeBytes(info), ...bytes]);
      const r = new OperatorReader(body, 0, body.length, 100, ALL);
      expect(r.next(), info.name).toBe(info.id);
      expect(r.opOffset).toBe(100);
      expect(r.pos, info.name).toBe(body.length);
      check(r);
      // Overlong subopcodes are well-formed LEB128.
      if (info.prefix !== 0) {
        const long = new Uint8Array([
          info.prefix,
          0x80 | (info.code & 0x7f),
          0x80 | (info.code >> 7),
          0,
          ...bytes,
        ]);
        const r2 = new OperatorReader(long, 0, long.length, 0, ALL);
        expect(r2.next()).toBe(info.id);
        expect(r2.pos).toBe(long.length);
      }
    }
  });
});

function* wastFiles(dir: string): Generator<string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* wastFiles(p);
    else if (p.endsWith('.wast')) yield p;
  }
}

describe.skipIf(!existsSync(join(testsuite, 'wast')))('opcode table vs the test suite', () => {
  it('knows every instruction keyword of the .wast scripts', () => {
    // Script-level result patterns, and an instruction dropped from relaxed SIMD before it was finished.
    const notInstructions = new Set(['ref.extern', 'ref.host', 'ref.array', 'ref.struct']);
    const dropped = new Set(['f32x4.relaxed_dot_bf16x8_add_f32x4']);
    const bare = [...OPCODES.filter((o) => !o.mnemonic.includes('.')).map((o) => o.mnemonic)];
    const missing = new Map<string, string>();
    let seen = 0;
    for (const file of wastFiles(join(testsuite, 'wast'))) {
      const text = readFileSync(file, 'utf8')
        .replace(/\(;[\s\S]*?;\)/g, ' ')
        .replace(/;;.*$/gm, ' ')
        .replace(/"(?:[^"\\]|\\.)*"/g, ' ');
      for (const m of text.matchAll(/(?<=[\s(])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?=[\s)])/g)) {
        const t = m[1];
        if (notInstructions.has(t) || dropped.has(t)) continue;
        seen++;
        if (opByName(t) === undefined && !missing.has(t)) missing.set(t, file);
      }
      for (const m of text.matchAll(/\(([a-z_]+)[\s)]/g)) {
        if (bare.includes(m[1])) seen++;
      }
    }
    expect(seen).toBeGreaterThan(10000);
    expect(Object.fromEntries(missing)).toEqual({});
  });
});
