/**
 * The f32 and f64 families: comparisons, arithmetic (f32 rounded with
 * `fround` after every operation), the NaN- and sign-exact helpers, and the
 * conversions that produce a float. `QUIET` marks f32 results that cannot be
 * a signalling NaN (a store then needs no payload check).
 */
import { Op } from '@wasmloom/binary';
import { BOOL, type JsFunctionState, QUIET, SIMPLE } from './function-state.js';
import { bin, u32, un } from './numeric-shapes.js';

export function emitFloat(c: JsFunctionState, op: number, h: number): void {
  const b = h + 1;
  switch (op) {
    case Op.f32_eq:
    case Op.f64_eq:
      bin(c, h, `(${c.val(h)}===${c.val(b)})`, BOOL);
      return;
    case Op.f32_ne:
    case Op.f64_ne:
      bin(c, h, `(${c.val(h)}!==${c.val(b)})`, BOOL);
      return;
    case Op.f32_lt:
    case Op.f64_lt:
      bin(c, h, `(${c.val(h)}<${c.val(b)})`, BOOL);
      return;
    case Op.f32_gt:
    case Op.f64_gt:
      bin(c, h, `(${c.val(h)}>${c.val(b)})`, BOOL);
      return;
    case Op.f32_le:
    case Op.f64_le:
      bin(c, h, `(${c.val(h)}<=${c.val(b)})`, BOOL);
      return;
    case Op.f32_ge:
    case Op.f64_ge:
      bin(c, h, `(${c.val(h)}>=${c.val(b)})`, BOOL);
      return;
    case Op.f32_abs:
    case Op.f64_abs:
      un(c, h, `fabs(${c.val(h)})`, 0);
      return;
    case Op.f32_neg:
    case Op.f64_neg:
      un(c, h, `(-${c.val(h)})`, 0);
      return;
    case Op.f32_ceil:
    case Op.f64_ceil:
      un(c, h, `fceil(${c.val(h)})`, QUIET);
      return;
    case Op.f32_floor:
    case Op.f64_floor:
      un(c, h, `ffloor(${c.val(h)})`, QUIET);
      return;
    case Op.f32_trunc:
    case Op.f64_trunc:
      un(c, h, `ftrunc(${c.val(h)})`, QUIET);
      return;
    case Op.f32_nearest:
    case Op.f64_nearest:
      un(c, h, `fnearest(${c.val(h)})`, QUIET);
      return;
    case Op.f32_sqrt:
      un(c, h, `fround(sqrt(${c.val(h)}))`, QUIET);
      return;
    case Op.f64_sqrt:
      un(c, h, `sqrt(${c.val(h)})`, 0);
      return;
    case Op.f32_add:
      bin(c, h, `fround(${c.val(h)}+${c.val(b)})`, QUIET);
      return;
    case Op.f32_sub:
      bin(c, h, `fround(${c.val(h)}-${c.val(b)})`, QUIET);
      return;
    case Op.f32_mul:
      bin(c, h, `fround(${c.val(h)}*${c.val(b)})`, QUIET);
      return;
    case Op.f32_div:
      bin(c, h, `fround(${c.val(h)}/${c.val(b)})`, QUIET);
      return;
    case Op.f64_add:
      bin(c, h, `(${c.val(h)}+${c.val(b)})`, 0);
      return;
    case Op.f64_sub:
      bin(c, h, `(${c.val(h)}-${c.val(b)})`, 0);
      return;
    case Op.f64_mul:
      bin(c, h, `(${c.val(h)}*${c.val(b)})`, 0);
      return;
    case Op.f64_div:
      bin(c, h, `(${c.val(h)}/${c.val(b)})`, 0);
      return;
    case Op.f32_min:
    case Op.f64_min:
      bin(c, h, `fmin(${c.val(h)},${c.val(b)})`, QUIET);
      return;
    case Op.f32_max:
    case Op.f64_max:
      bin(c, h, `fmax(${c.val(h)},${c.val(b)})`, QUIET);
      return;
    case Op.f32_copysign:
    case Op.f64_copysign:
      bin(c, h, `fcopysign(${c.val(h)},${c.val(b)})`, 0);
      return;
    case Op.f32_convert_i32_s:
      un(c, h, `fround(${c.val(h)})`, QUIET);
      return;
    case Op.f32_convert_i32_u:
      un(c, h, `fround(${u32(c, c.rarelyRun() ? c.simple(h) : c.val(h))})`, QUIET);
      return;
    case Op.f32_convert_i64_s:
      un(c, h, `f32ConvertI64S(${c.lo(h)},${c.hi(h)})`, QUIET);
      return;
    case Op.f32_convert_i64_u:
      un(c, h, `f32ConvertI64U(${c.lo(h)},${c.hi(h)})`, QUIET);
      return;
    case Op.f64_convert_i32_s:
      un(c, h, c.val(h), c.ef[h] & SIMPLE);
      return;
    case Op.f64_convert_i32_u:
      un(c, h, u32(c, c.rarelyRun() ? c.simple(h) : c.val(h)), 0);
      return;
    case Op.f64_convert_i64_s:
      if (c.rarelyRun()) c.simple64(h);
      un(c, h, `(${c.hi(h)}*4294967296+${u32(c, c.lo(h))})`, 0);
      return;
    case Op.f64_convert_i64_u:
      if (c.rarelyRun()) c.simple64(h);
      un(c, h, `(${u32(c, c.hi(h))}*4294967296+${u32(c, c.lo(h))})`, 0);
      return;
    case Op.f32_demote_f64:
      un(c, h, `fround(${c.val(h)})`, QUIET);
      return;
    case Op.f64_promote_f32:
      un(c, h, `fpromote(${c.val(h)})`, 0);
      return;
    case Op.f32_reinterpret_i32:
      un(c, h, `f32FromBits(${c.val(h)})`, 0);
      return;
    case Op.f64_reinterpret_i64:
      un(c, h, `f64FromBits(${c.lo(h)},${c.hi(h)})`, 0);
      return;
  }
  throw new Error(`float family: no code for operator 0x${op.toString(16)}`);
}
