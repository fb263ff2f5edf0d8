/**
 * The i64 family, as pairs of int32 halves (ABI): comparisons, add/sub with
 * their carry and borrow as bare booleans, multiplication inline in doubles
 * and int32s, shifts and rotates by constants inline, helpers for the rest,
 * and the conversions that produce an i64.
 */
import { Op } from '@wasmloom/binary';
import { BOOL, type JsFunctionState, SIMPLE } from './function-state.js';
import { S_NAME, T_SET } from './names.js';
import { bin, bin64, imul, u32, ucmp, un64 } from './numeric-shapes.js';
import { litValue, numLit, reuseLow } from './text.js';

export function emitI64(c: JsFunctionState, op: number, h: number): void {
  const b = h + 1;
  switch (op) {
    case Op.i64_eqz:
      // A zero high half (an extended i32) leaves the low half to test.
      c.unary(h, c.hi(h) === '0' ? `(${c.lo(h)}===0)` : `((${c.lo(h)}|${c.hi(h)})===0)`, BOOL);
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
      c.assign64(h, `i64DivS(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_div_u:
      c.assign64(h, `i64DivU(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_rem_s:
      c.assign64(h, `i64RemS(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
      return;
    case Op.i64_rem_u:
      c.assign64(h, `i64RemU(${c.lo(h)},${c.hi(h)},${c.lo(b)},${c.hi(b)})`);
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
    case Op.i64_reinterpret_f64:
      c.assign64(h, `f64ToBits(${c.val(h)})`);
      return;
  }
  throw new Error(`i64 family: no code for operator 0x${op.toString(16)}`);
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

function cmp64(c: JsFunctionState, h: number, rel: string, unsigned: boolean): void {
  const b = h + 1;
  c.simple64(h);
  c.simple64(b);
  const ah = c.hi(h);
  const bh = c.hi(b);
  const strict = rel === '<' || rel === '>' ? rel : rel[0];
  const hiCmp = unsigned ? ucmp(c, ah, strict, bh) : `${ah}${strict}${bh}`;
  bin(c, h, `(${hiCmp}||${ah}===${bh}&&${ucmp(c, c.lo(h), rel, c.lo(b))})`, BOOL);
}

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
function mul64(c: JsFunctionState, h: number): void {
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
function mul64Simple(c: JsFunctionState, h: number, A: number, B: number): void {
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

function shift64(c: JsFunctionState, op: number, h: number): void {
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
    c.assign64(h, `${name}(${c.lo(h)},${c.hi(h)},${c.lo(b)})`);
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
