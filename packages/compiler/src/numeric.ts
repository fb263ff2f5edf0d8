/**
 * Code for the numeric operators (fixed stack effect, operands already
 * validated): the operand at height h (and h + 1 for binary operators) becomes
 * the result at h. Pure operators leave a pending expression; operators that
 * may trap or that return an i64 through `HI` become statements.
 */
import { Op } from '@wasmloom/binary';
import {
  BOOL,
  type FunctionCompiler,
  localIndex,
  mergeLoc,
  numLit,
  QUIET,
  reuseLow,
  S_NAME,
  SIMPLE,
  T_SET,
  tz32,
} from './compile-function.js';

/** An i32/i64-low literal's value, or null if the expression is not a literal. */
export function litValue(e: string): number | null {
  if (e.length === 0) return null;
  const c = e.charCodeAt(0);
  if (c >= 48 && c <= 57) return Number(e);
  if (c === 40 /* ( */ && e.charCodeAt(1) === 45 /* - */) {
    const v = Number(e.slice(1, -1));
    return Number.isInteger(v) ? v : null;
  }
  return null;
}

export function emitNumeric(c: FunctionCompiler, op: number, h: number): void {
  const b = h + 1;
  switch (op) {
    // ---- i32 ----------------------------------------------------------------------------
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

    // ---- i64 ----------------------------------------------------------------------------
    case Op.i64_eqz:
      // A zero high half (an extended i32) leaves the low half to test.
      un(c, h, c.hi(h) === '0' ? `(${c.lo(h)}===0)` : `((${c.lo(h)}|${c.hi(h)})===0)`, BOOL);
      return;
    case Op.i64_eq:
      bin(c, h, `(${c.lo(h)}===${c.lo(b)}&&${c.hi(h)}===${c.hi(b)})`, BOOL);
      return;
    case Op.i64_ne:
      bin(c, h, `(${c.lo(h)}!==${c.lo(b)}||${c.hi(h)}!==${c.hi(b)})`, BOOL);
      return;
    case Op.i64_lt_s:
      cmp64(c, h, '<', false);
      return;
    case Op.i64_lt_u:
      cmp64(c, h, '<', true);
      return;
    case Op.i64_gt_s:
      cmp64(c, h, '>', false);
      return;
    case Op.i64_gt_u:
      cmp64(c, h, '>', true);
      return;
    case Op.i64_le_s:
      cmp64(c, h, '<=', false);
      return;
    case Op.i64_le_u:
      cmp64(c, h, '<=', true);
      return;
    case Op.i64_ge_s:
      cmp64(c, h, '>=', false);
      return;
    case Op.i64_ge_u:
      cmp64(c, h, '>=', true);
      return;
    case Op.i64_clz:
      un64(c, h, `i64Clz(${c.lo(h)},${c.hi(h)})`, '0');
      return;
    case Op.i64_ctz:
      un64(c, h, `i64Ctz(${c.lo(h)},${c.hi(h)})`, '0');
      return;
    case Op.i64_popcnt:
      un64(c, h, `i64Popcnt(${c.lo(h)},${c.hi(h)})`, '0');
      return;
    case Op.i64_add: {
      c.simple64(h);
      c.simple64(b);
      const al = c.lo(h);
      const bl = c.lo(b);
      // Carry: the unsigned low sum wrapped around (int32 compares only: no
      // double sums that V8 might first speculate to be small integers). The
      // comparison's boolean is added as it is (`1+true` is 2): V8 adds the
      // compare's flag without a branch, where `?1:0` becomes a branch on a
      // carry that is as good as random in hashing code (with it, the i64
      // kernel measured about 1.5x slower). Three int32-ranged terms add up
      // exactly in doubles, so one `|0` at the end wraps the sum, and V8,
      // seeing it truncated, adds in int32 without overflow checks.
      const lo = `(${al}+${bl}|0)`;
      const blv = litValue(bl);
      const alv = litValue(al);
      if (blv === 0 || alv === 0) bin64(c, h, blv === 0 ? al : bl, addHi(c.hi(h), c.hi(b), ''));
      else {
        const ref = alv === null ? al : bl;
        bin64(c, h, lo, addHi(c.hi(h), c.hi(b), `+(${ucmp(c, lo, '<', ref)})`));
      }
      return;
    }
    case Op.i64_sub: {
      c.simple64(h);
      c.simple64(b);
      const al = c.lo(h);
      const bl = c.lo(b);
      // The borrow as a bare boolean, as the carry of i64.add.
      const ah = c.hi(h);
      const bh = c.hi(b);
      const hi = bh === '0' ? ah : `${ah}-${bh}`;
      if (litValue(bl) === 0) bin64(c, h, al, bh === '0' ? ah : `(${hi}|0)`);
      else bin64(c, h, `(${al}-${bl}|0)`, `(${hi}-(${ucmp(c, al, '<', bl)})|0)`);
      return;
    }
    case Op.i64_mul:
      mul64(c, h);
      return;
    case Op.i64_div_s:
      call64(c, h, `i64DivS(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_div_u:
      call64(c, h, `i64DivU(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_rem_s:
      call64(c, h, `i64RemS(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_rem_u:
      call64(c, h, `i64RemU(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_and:
      bin64(c, h, `(${c.lo(h)}&${c.lo(b)})`, `(${c.hi(h)}&${c.hi(b)})`);
      return;
    case Op.i64_or:
      bin64(c, h, `(${c.lo(h)}|${c.lo(b)})`, `(${c.hi(h)}|${c.hi(b)})`);
      return;
    case Op.i64_xor:
      bin64(c, h, `(${c.lo(h)}^${c.lo(b)})`, `(${c.hi(h)}^${c.hi(b)})`);
      return;
    case Op.i64_shl:
    case Op.i64_shr_s:
    case Op.i64_shr_u:
    case Op.i64_rotl:
    case Op.i64_rotr:
      shift64(c, op, h);
      return;
    case Op.i64_extend8_s: {
      c.loOnly(h);
      c.simple64(h);
      const a = c.lo(h);
      un64(c, h, `(${a}<<24>>24)`, `(${a}<<24>>31)`);
      return;
    }
    case Op.i64_extend16_s: {
      c.loOnly(h);
      c.simple64(h);
      const a = c.lo(h);
      un64(c, h, `(${a}<<16>>16)`, `(${a}<<16>>31)`);
      return;
    }
    case Op.i64_extend32_s:
    case Op.i64_extend_i32_s: {
      let a: string;
      if (op === Op.i64_extend32_s) {
        c.loOnly(h);
        c.simple64(h);
        a = c.lo(h);
      } else a = c.simple(h);
      un64(c, h, a, `(${a}>>31)`);
      return;
    }
    case Op.i64_extend_i32_u:
      // A variable's or literal's extension stays cheap to repeat: no copy to
      // the slots before an i64.add uses it (Go extends every address so).
      un64(c, h, c.val(h), '0', (c.ef[h] & (SIMPLE | BOOL)) === SIMPLE ? SIMPLE : 0);
      return;

    // ---- f32 / f64 -----------------------------------------------------------------------------
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

    // ---- conversions ----------------------------------------------------------------------------
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
    case Op.i64_trunc_f32_s:
    case Op.i64_trunc_f64_s:
      c.assign64(h, `i64TruncS(${c.val(h)})`);
      return;
    case Op.i64_trunc_f32_u:
    case Op.i64_trunc_f64_u:
      c.assign64(h, `i64TruncU(${c.val(h)})`);
      return;
    case Op.i64_trunc_sat_f32_s:
    case Op.i64_trunc_sat_f64_s:
      c.assign64(h, `i64TruncSatS(${c.val(h)})`);
      return;
    case Op.i64_trunc_sat_f32_u:
    case Op.i64_trunc_sat_f64_u:
      c.assign64(h, `i64TruncSatU(${c.val(h)})`);
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
    case Op.i32_reinterpret_f32:
      un(c, h, `f32ToBits(${c.val(h)})`, 0);
      return;
    case Op.f32_reinterpret_i32:
      un(c, h, `f32FromBits(${c.val(h)})`, 0);
      return;
    case Op.f64_reinterpret_i64:
      un(c, h, `f64FromBits(${c.lo(h)},${c.hi(h)})`, 0);
      return;
    case Op.i64_reinterpret_f64:
      c.assign64(h, `f64ToBits(${c.val(h)})`);
      return;
  }
  throw c.unsupported(`operator 0x${op.toString(16)}`);
}

/**
 * The negation of a boolean expression: `(a!==b)` for `(a===b)` and back
 * (exact for any operands, NaN included), else `(!e)`. Go and Rust code
 * tests `i64.eqz` results with `i32.eqz`.
 */
export function negated(e: string): string {
  const n = e.length;
  if (n < 7 || e.charCodeAt(0) !== 40 || e.charCodeAt(n - 1) !== 41) return `(!${e})`;
  // One `===` or `!==` at the top level, and no operator binding less tightly
  // there (`& ^ | && || ?:`), nor an assignment.
  let depth = 0;
  let at = -1;
  for (let i = 1; i < n - 1; i++) {
    const ch = e.charCodeAt(i);
    if (ch === 40) depth++;
    else if (ch === 41) {
      if (--depth < 0) return `(!${e})`;
    } else if (depth === 0) {
      if ((ch === 61 || ch === 33) && e.charCodeAt(i + 1) === 61 && e.charCodeAt(i + 2) === 61) {
        if (at >= 0) return `(!${e})`;
        at = i;
        i += 2;
      } else if (ch === 38 || ch === 94 || ch === 124 || ch === 63 || ch === 61) return `(!${e})`;
    }
  }
  if (at < 0) return `(!${e})`;
  return `${e.slice(0, at)}${e.charCodeAt(at) === 61 ? '!' : '='}${e.slice(at + 1)}`;
}

/** Unary pure result. */
function un(c: FunctionCompiler, h: number, expr: string, flags: number): void {
  c.unary(h, expr, flags);
}

/**
 * For `l{k} + c`, `c + l{k}` or `l{k} - c` (operands at h, h + 1): `k * 64 + z`,
 * z the trailing zero bits of the constant c (`FunctionCompiler.ei`); else -1.
 */
function stepOfLocal(c: FunctionCompiler, h: number, commutes: boolean): number {
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

/**
 * A binary i32 result whose value has at least `z` trailing zero bits
 * (`FunctionCompiler.ez`, used to prove memory addresses aligned).
 */
function binZ(c: FunctionCompiler, h: number, expr: string, z: number): void {
  bin(c, h, expr, 0);
  c.ez[h] = z;
}

/** Binary pure result at h from operands at h and h + 1. */
function bin(c: FunctionCompiler, h: number, expr: string, flags: number): void {
  c.pendingResult(h, expr, flags, mergeLoc(c.el[h], c.el[h + 1]), c.readsSlot(h + 1));
}

function un64(c: FunctionCompiler, h: number, lo: string, hi: string, flags = 0): void {
  c.pendingResult64(h, lo, hi, c.el[h], false, flags);
}

function bin64(c: FunctionCompiler, h: number, lo: string, hi: string): void {
  c.pendingResult64(h, lo, hi, mergeLoc(c.el[h], c.el[h + 1]), c.readsSlot(h + 1));
}

function call64(c: FunctionCompiler, h: number, call: string): void {
  c.assign64(h, call);
}

/**
 * The high half of an i64 sum: `(a+b+carry|0)` with `carry` either '' or
 * `+(comparison)`; a literal 0 term is left out (each costs V8 bytecode, and
 * small callees are what V8 inlines).
 */
function addHi(a: string, b: string, carry: string): string {
  if (carry === '') {
    if (a === '0') return b;
    if (b === '0') return a;
    return `(${a}+${b}|0)`;
  }
  const terms = a === '0' ? b : b === '0' ? a : `${a}+${b}`;
  return `(${terms}${carry}|0)`;
}

function cmp64(c: FunctionCompiler, h: number, rel: string, unsigned: boolean): void {
  const b = h + 1;
  c.simple64(h);
  c.simple64(b);
  const ah = c.hi(h);
  const bh = c.hi(b);
  const strict = rel === '<' || rel === '>' ? rel : rel[0];
  const hiCmp = unsigned ? ucmp(c, ah, strict, bh) : `${ah}${strict}${bh}`;
  bin(c, h, `(${hiCmp}||${ah}===${bh}&&${ucmp(c, c.lo(h), rel, c.lo(b))})`, BOOL);
}

/**
 * An unsigned i32 comparison (a literal operand folded to its unsigned value).
 * `a>>>0 < b>>>0` is the smallest, but V8 speculates from the values a `>>>0`
 * gave so far that they stay below 2^31; code that ran once when V8 compiles it
 * (after a loop: see `FunctionCompiler.rarelyRun`) compares with the sign bits
 * flipped instead, which has nothing to speculate on.
 */
export function ucmp(c: FunctionCompiler, a: string, rel: string, b: string): string {
  if (c.rarelyRun()) return `${signFlipped(a)}${rel}${signFlipped(b)}`;
  return `${unsignedOperand(a)}${rel}${unsignedOperand(b)}`;
}

/** An operand of `ucmp` with its sign bit flipped. */
function signFlipped(e: string): string {
  const v = litValue(e);
  return v !== null ? numLit((v ^ -2147483648) | 0) : `(${e}^-2147483648)`;
}

/** An operand of `ucmp` as unsigned. */
function unsignedOperand(e: string): string {
  const v = litValue(e);
  return v !== null ? `${v >>> 0}` : `${e}>>>0`;
}

/**
 * `e` as an unsigned number in a double context (see `ucmp`). An immutable
 * global's low half has its unsigned value ready in `GU{g}` (abi.ts).
 */
function u32(c: FunctionCompiler, e: string): string {
  const v = litValue(e);
  if (v !== null) return `${v >>> 0}`;
  if (/^GV\d+$/.test(e)) return `GU${e.slice(2)}`;
  return c.rarelyRun() ? `(${e}+(${e}>>>31)*4294967296)` : `(${e}>>>0)`;
}

/**
 * `imul(a,b)` through the function's local copy of `imul`, and an immutable
 * global's value as an operand through a local copy as well (`$GV{g}`,
 * `$GH{g}`; `FunctionCompiler.usesImul`, `copies`). A call's callee and
 * arguments are registers in V8's bytecode: a factory binding among them is
 * loaded into one at every call, three bytes, where a copy costs that once.
 * V8 inlines callees up to a total bytecode size; the i64 kernel's four calls
 * of its hash round fit only with the copies.
 */
export function imul(c: FunctionCompiler, a: string, b: string): string {
  c.usesImul = true;
  return `$imul(${localCopy(c, a)},${localCopy(c, b)})`;
}

function localCopy(c: FunctionCompiler, e: string): string {
  if (!GLOBAL_VALUE.test(e)) return e;
  c.copies.add(e);
  return `$${e}`;
}

/** An immutable global's value or i64 high half (abi.ts). */
const GLOBAL_VALUE = /^G[VH]\d+$/;

/** A variable or a literal: cheap to repeat. */
function isVarOrLit(e: string): boolean {
  return litValue(e) !== null || /^[A-Za-z_$][\w$]*$/.test(e);
}

/** 2^-32, exact: scales the products of the high-half computation. */
const INV_2_32 = 2 ** -32;

/**
 * i64.mul inline: lo = imul(al, bl); hi = imul(ah, bl) + imul(al, bh) + the
 * high half of the unsigned 32x32 product al * bl, all mod 2^32. That high
 * half is computed in doubles: d = (al>>>0) * (bl>>>0) is within 2^10 of the
 * exact product P < 2^64, and P - (lo>>>0) = high * 2^32 exactly, so
 * (d - (lo>>>0)) * 2^-32 is within 2^-21 of the integer high: adding 0.5 and
 * truncating gives it exactly. Every term of the sum is then an int32, so V8
 * adds them without overflow checks, and the high half of an operand reaches
 * the result through an imul and two int32 additions: a loop that carries a
 * 64-bit state (a PRNG, a hash) waits for little more than that. (Adding the
 * terms in doubles saves a `|0` but puts conversions and double additions on
 * that path: an LCG loop measured 2x slower.)
 *
 * The statement is `t{h}=(imul(ah,bl)+imul(al,bh)+((d-((s{h}=imul(al,bl))>>>0))*2^-32+0.5|0)|0);`:
 * the low product is stored into its slot inside the expression, after every
 * read of the operands (JS evaluates left to right), so an operand may be that
 * slot and no statement copies a slot through the scratch: V8 inlines callees
 * by bytecode size, and a copy is three bytes. A low half `al` that is not a
 * variable goes to the scratch first (it is read three times); a high half is
 * read once, in place.
 *
 * `lo>>>0` speculates, as `al>>>0` does, that V8 has seen low halves of 2^31
 * and above when it compiles (else a later one deoptimizes); in code that runs
 * once (`rarelyRun`) the signed low half is taken instead, which is (lo < 0) *
 * 2^32 more, and `lo>>>31` is taken off at the end.
 */
function mul64(c: FunctionCompiler, h: number): void {
  const b = h + 1;
  // A: the operand whose low half is used three times; B: the other (a
  // constant goes right).
  let A = h;
  let B = b;
  if (litValue(c.lo(h)) !== null && litValue(c.lo(b)) === null) {
    A = b;
    B = h;
  }
  const blv = litValue(c.lo(B));
  const consts = litValue(c.lo(A)) !== null && litValue(c.hi(A)) !== null && litValue(c.hi(B)) !== null;
  if (blv === 0 || blv === 1 || (consts && blv !== null)) {
    mul64Simple(c, h, A, B);
    return;
  }
  if (!isVarOrLit(c.lo(B))) c.simple64(B);
  const bl = c.lo(B);
  const bh = c.hi(B);
  let al = c.lo(A);
  let ah = c.hi(A);
  if (!isVarOrLit(al)) {
    c.usesX = true;
    c.emit(`x=${al};`);
    ah = reuseLow(ah, al, 'x');
    al = 'x';
  }
  const lo = S_NAME.get(h);
  const terms: string[] = [];
  const ahv = litValue(ah);
  const bhv = litValue(bh);
  if (ahv !== 0) terms.push(imul(c, ah, bl));
  if (bhv !== 0) terms.push(bhv === 1 ? `(${al}|0)` : imul(c, al, bh));
  const d = `${u32(c, al)}*${u32(c, bl)}`;
  if (c.rarelyRun()) {
    terms.push(`((${d}-(${lo}=${imul(c, al, bl)}))*${INV_2_32}+0.5|0)-(${lo}>>>31)`);
  } else terms.push(`((${d}-((${lo}=${imul(c, al, bl)})>>>0))*${INV_2_32}+0.5|0)`);
  c.emit(`${T_SET.get(h)}(${terms.join('+')}|0);`);
  c.setMat(h, true);
}

/** i64.mul with constant operands (folded) or a right operand whose low half is 0 or 1. */
function mul64Simple(c: FunctionCompiler, h: number, A: number, B: number): void {
  c.simple64(A);
  c.simple64(B);
  const al = c.lo(A);
  const ah = c.hi(A);
  const bl = c.lo(B);
  const bh = c.hi(B);
  const alv = litValue(al);
  const ahv = litValue(ah);
  const blv = litValue(bl);
  const bhv = litValue(bh);
  if (blv !== null && alv !== null && bhv !== null && ahv !== null) {
    const p = BigInt.asUintN(
      64,
      ((BigInt(ahv) << 32n) | BigInt(alv >>> 0)) * ((BigInt(bhv) << 32n) | BigInt(blv >>> 0)),
    );
    bin64(c, h, numLit(Number(BigInt.asIntN(32, p))), numLit(Number(BigInt.asIntN(32, p >> 32n))));
    return;
  }
  // blv is 0 or 1: lo = al * blv; hi = al * bh + ah * blv. Terms are
  // int32-typed for V8 (a bare variable may be a parameter of unknown type).
  const terms: string[] = [];
  if (bhv !== 0) terms.push(bhv === 1 ? `(${al}|0)` : imul(c, al, bh));
  if (ahv !== 0 && blv !== 0) terms.push(`(${ah}|0)`);
  bin64(c, h, blv === 0 ? '0' : al, terms.length === 0 ? '0' : `(${terms.join('+')}|0)`);
}

function i32Div(c: FunctionCompiler, op: number, h: number): void {
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
  let s = `if(${y}===0)${c.trap(div ? 2 : 12)}`;
  if (div && signed) s += `if(${x}===-2147483648&&${y}===-1)${c.trap(3)}`;
  c.emit(s);
  if (signed) c.assign(h, div ? `${x}/${y}|0` : `${x}%${y}|0`);
  else c.assign(h, div ? `${u32(c, x)}/${u32(c, y)}|0` : `${u32(c, x)}%${u32(c, y)}|0`);
}

function shift64(c: FunctionCompiler, op: number, h: number): void {
  const b = h + 1;
  const nv = litValue(c.ex[b]);
  if (nv === null) {
    c.loOnly(b);
    const name =
      op === Op.i64_shl
        ? 'i64Shl'
        : op === Op.i64_shr_s
          ? 'i64ShrS'
          : op === Op.i64_shr_u
            ? 'i64ShrU'
            : op === Op.i64_rotl
              ? 'i64Rotl'
              : 'i64Rotr';
    call64(c, h, `${name}(${c.lo(h)},${c.hi(h)},${c.lo(b)})`);
    return;
  }
  let n = nv & 63;
  c.simple64(h);
  const al = c.lo(h);
  const ah = c.hi(h);
  if (op === Op.i64_rotr) {
    op = Op.i64_rotl;
    n = (64 - n) & 63;
  }
  if (n === 0) {
    bin64(c, h, al, ah);
    return;
  }
  switch (op) {
    case Op.i64_shl:
      if (n < 32) {
        bin64(c, h, `(${al}<<${n})`, `(${ah}<<${n}|${al}>>>${32 - n})`);
        return;
      }
      bin64(c, h, '0', n === 32 ? al : `(${al}<<${n - 32})`);
      return;
    case Op.i64_shr_s:
      if (n < 32) {
        bin64(c, h, `(${al}>>>${n}|${ah}<<${32 - n})`, `(${ah}>>${n})`);
        return;
      }
      bin64(c, h, n === 32 ? ah : `(${ah}>>${n - 32})`, `(${ah}>>31)`);
      return;
    case Op.i64_shr_u:
      if (n < 32) {
        bin64(c, h, `(${al}>>>${n}|${ah}<<${32 - n})`, `(${ah}>>>${n})`);
        return;
      }
      bin64(c, h, n === 32 ? ah : `(${ah}>>>${n - 32})`, '0');
      return;
    default: {
      // rotl
      let lo = al;
      let hi = ah;
      if (n >= 32) {
        lo = ah;
        hi = al;
        n -= 32;
      }
      if (n === 0) {
        bin64(c, h, lo, hi);
        return;
      }
      bin64(c, h, `(${lo}<<${n}|${hi}>>>${32 - n})`, `(${hi}<<${n}|${lo}>>>${32 - n})`);
      return;
    }
  }
}
