/**
 * The i32 family: comparisons (a JS boolean, a number only where used as
 * one), arithmetic truncated right away (`|0`), division with its traps, and
 * the conversions that produce an i32. The operand at h (and h + 1) becomes
 * the result at h.
 */
import { Op, TrapCode } from '@wasmloom/binary';
import { BOOL, type JsFunctionState, SIMPLE } from './function-state.js';
import { bin, binZ, imul, u32, ucmp, un } from './numeric-shapes.js';
import { litValue, localIndex, negated, numLit, tz32 } from './text.js';

export function emitI32(c: JsFunctionState, op: number, h: number): void {
  const b = h + 1;
  switch (op) {
    case Op.i32_eqz:
      if (c.ef[h] & BOOL) {
        un(c, h, negated(c.ex[h]), BOOL);
        return;
      }
      un(c, h, `(${c.val(h)}===0)`, BOOL);
      return;
    case Op.i32_eq:
      bin(c, h, `(${c.val(h)}===${c.val(b)})`, BOOL);
      return;
    case Op.i32_ne:
      bin(c, h, `(${c.val(h)}!==${c.val(b)})`, BOOL);
      return;
    case Op.i32_lt_s:
      bin(c, h, `(${c.val(h)}<${c.val(b)})`, BOOL);
      return;
    case Op.i32_lt_u:
      bin(c, h, `(${ucmp(c, c.val(h), '<', c.val(b))})`, BOOL);
      return;
    case Op.i32_gt_s:
      bin(c, h, `(${c.val(h)}>${c.val(b)})`, BOOL);
      return;
    case Op.i32_gt_u:
      bin(c, h, `(${ucmp(c, c.val(h), '>', c.val(b))})`, BOOL);
      return;
    case Op.i32_le_s:
      bin(c, h, `(${c.val(h)}<=${c.val(b)})`, BOOL);
      return;
    case Op.i32_le_u:
      bin(c, h, `(${ucmp(c, c.val(h), '<=', c.val(b))})`, BOOL);
      return;
    case Op.i32_ge_s:
      bin(c, h, `(${c.val(h)}>=${c.val(b)})`, BOOL);
      return;
    case Op.i32_ge_u:
      bin(c, h, `(${ucmp(c, c.val(h), '>=', c.val(b))})`, BOOL);
      return;
    case Op.i32_clz:
      un(c, h, `clz32(${c.val(h)})`, 0);
      return;
    case Op.i32_ctz:
      un(c, h, `i32Ctz(${c.val(h)})`, 0);
      return;
    case Op.i32_popcnt:
      un(c, h, `i32Popcnt(${c.val(h)})`, 0);
      return;
    case Op.i32_add:
    case Op.i32_sub: {
      const inc = stepOfLocal(c, h, op === Op.i32_add);
      const sign = op === Op.i32_add ? '+' : '-';
      binZ(c, h, `(${c.num(h)}${sign}${c.num(b)}|0)`, Math.min(c.ez[h], c.ez[b]));
      c.ei[h] = inc;
      return;
    }
    case Op.i32_mul:
      binZ(c, h, imul(c, c.val(h), c.val(b)), Math.min(32, c.ez[h] + c.ez[b]));
      return;
    case Op.i32_div_s:
    case Op.i32_div_u:
    case Op.i32_rem_s:
    case Op.i32_rem_u:
      i32Div(c, op, h);
      return;
    case Op.i32_and:
      binZ(c, h, `(${c.num(h)}&${c.num(b)})`, Math.max(c.ez[h], c.ez[b]));
      return;
    case Op.i32_or:
      binZ(c, h, `(${c.num(h)}|${c.num(b)})`, Math.min(c.ez[h], c.ez[b]));
      return;
    case Op.i32_xor:
      binZ(c, h, `(${c.num(h)}^${c.num(b)})`, Math.min(c.ez[h], c.ez[b]));
      return;
    case Op.i32_shl: {
      const n = litValue(c.ex[b]);
      binZ(c, h, `(${c.num(h)}<<${c.num(b)})`, n === null ? 0 : Math.min(32, c.ez[h] + (n & 31)));
      return;
    }
    case Op.i32_shr_s:
      bin(c, h, `(${c.num(h)}>>${c.num(b)})`, 0);
      return;
    case Op.i32_shr_u:
      bin(c, h, `(${c.num(h)}>>>${c.num(b)}|0)`, 0);
      return;
    case Op.i32_rotl: {
      const x = c.simple(h);
      const y = c.simple(b);
      bin(c, h, `(${x}<<${y}|${x}>>>32-${y})`, 0);
      return;
    }
    case Op.i32_rotr: {
      const x = c.simple(h);
      const y = c.simple(b);
      bin(c, h, `(${x}>>>${y}|${x}<<32-${y})`, 0);
      return;
    }
    case Op.i32_extend8_s:
      un(c, h, `(${c.val(h)}<<24>>24)`, 0);
      return;
    case Op.i32_extend16_s:
      un(c, h, `(${c.val(h)}<<16>>16)`, 0);
      return;
    case Op.i32_wrap_i64:
      c.loOnly(h);
      un(c, h, c.lo(h), c.ef[h] & SIMPLE);
      return;
    case Op.i32_trunc_f32_s:
    case Op.i32_trunc_f64_s:
      c.assign(h, `i32TruncS(${c.val(h)})`);
      return;
    case Op.i32_trunc_f32_u:
    case Op.i32_trunc_f64_u:
      c.assign(h, `i32TruncU(${c.val(h)})`);
      return;
    case Op.i32_trunc_sat_f32_s:
    case Op.i32_trunc_sat_f64_s:
      un(c, h, `i32TruncSatS(${c.val(h)})`, 0);
      return;
    case Op.i32_trunc_sat_f32_u:
    case Op.i32_trunc_sat_f64_u:
      un(c, h, `i32TruncSatU(${c.val(h)})`, 0);
      return;
    case Op.i32_reinterpret_f32:
      un(c, h, `f32ToBits(${c.val(h)})`, 0);
      return;
  }
  throw new Error(`i32 family: no code for operator 0x${op.toString(16)}`);
}

/**
 * For `l{k} + c`, `c + l{k}` or `l{k} - c` (operands at h, h + 1): `k * 64 + z`,
 * z the trailing zero bits of the constant c (`JsFunctionState.ei`); else -1.
 */
function stepOfLocal(c: JsFunctionState, h: number, commutes: boolean): number {
  const b = h + 1;
  let k = (c.ef[h] & SIMPLE) !== 0 ? localIndex(c.ex[h]) : -1;
  let v = litValue(c.ex[b]);
  if ((k < 0 || v === null) && commutes) {
    k = (c.ef[b] & SIMPLE) !== 0 ? localIndex(c.ex[b]) : -1;
    v = litValue(c.ex[h]);
  }
  if (k < 0 || v === null) return -1;
  return k * 64 + tz32(v | 0);
}

function i32Div(c: JsFunctionState, op: number, h: number): void {
  const b = h + 1;
  const d = litValue(c.ex[b]);
  const signed = op === Op.i32_div_s || op === Op.i32_rem_s;
  const div = op === Op.i32_div_s || op === Op.i32_div_u;
  if (d !== null && d !== 0 && !(div && signed && d === -1)) {
    // A constant divisor that cannot trap: pure.
    const a = c.val(h);
    if (signed) {
      bin(c, h, div ? `(${a}/${numLit(d)}|0)` : `(${a}%${numLit(d)}|0)`, 0);
      return;
    }
    const du = d >>> 0;
    const au = u32(c, c.rarelyRun() ? c.simple(h) : a);
    bin(c, h, div ? `(${au}/${du}|0)` : `(${au}%${du}|0)`, 0);
    return;
  }
  const x = c.simple(h);
  const y = c.simple(b);
  let s = `if(${y}===0)${c.trap(div ? TrapCode.divideByZero : TrapCode.remainderByZero)}`;
  if (div && signed) s += `if(${x}===-2147483648&&${y}===-1)${c.trap(TrapCode.integerOverflow)}`;
  c.emit(s);
  if (signed) c.assign(h, div ? `${x}/${y}|0` : `${x}%${y}|0`);
  else c.assign(h, div ? `${u32(c, x)}/${u32(c, y)}|0` : `${u32(c, x)}%${u32(c, y)}|0`);
}
