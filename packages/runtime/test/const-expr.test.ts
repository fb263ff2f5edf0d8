import { type ConstExpr, I32, Op } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { evalConst } from '../src/const-expr.js';
import { WasmGlobal } from '../src/global.js';
import { f32FromBits } from '../src/helpers.js';

const expr = (...instrs: ConstExpr['instrs']): ConstExpr => ({ offset: 0, instrs, type: 0 });

describe('constant expressions', () => {
  const g = new WasmGlobal(I32, false);
  g.setInternal(40);
  const ctx = { globals: [g], refs: [], f32FromBits };

  it('evaluates extended-const arithmetic over globals', () => {
    const e = expr({ op: Op.global_get, imm: 0 }, { op: Op.i32_const, imm: 2 }, { op: Op.i32_add });
    expect(evalConst(e, ctx)).toBe(42);
    const big = expr({ op: Op.i64_const, imm: 1n << 62n }, { op: Op.i64_const, imm: 4n }, { op: Op.i64_mul });
    expect(evalConst(big, ctx)).toBe(0n);
  });

  it('names a constant operator it cannot evaluate, and a non-constant one, by the opcode table', () => {
    expect(() => evalConst(expr({ op: Op.struct_new_default, imm: 0 }), ctx)).toThrow(
      'constant expression operator struct.new_default is not implemented by wasmloom yet',
    );
    expect(() => evalConst(expr({ op: Op.i32_div_s }), ctx)).toThrow(
      'i32.div_s is not a constant expression operator',
    );
  });
});
