/**
 * The shapes numeric results take, shared by the i32, i64 and float families:
 * pure unary and binary results left pending, i64 results as pairs, and the
 * unsigned operands and products formed so that V8 has nothing to speculate
 * on that could fail later (a deoptimization can leave a long-running
 * function in its OSR code for good).
 */
import { Binding } from '@wasmloom/binary';
import type { JsFunctionState } from './function-state.js';
import { litValue, mergeLoc, numLit } from './text.js';

/** Unary pure result. */
export function un(c: JsFunctionState, h: number, expr: string, flags: number): void {
  c.unary(h, expr, flags);
}

/**
 * A binary i32 result whose value has at least `z` trailing zero bits
 * (`JsFunctionState.ez`, used to prove memory addresses aligned).
 */
export function binZ(c: JsFunctionState, h: number, expr: string, z: number): void {
  bin(c, h, expr, 0);
  c.ez[h] = z;
}

/** Binary pure result at h from operands at h and h + 1. */
export function bin(c: JsFunctionState, h: number, expr: string, flags: number): void {
  c.pendingResult(h, expr, flags, mergeLoc(c.el[h], c.el[h + 1]), c.readsSlot(h + 1));
}

export function un64(c: JsFunctionState, h: number, lo: string, hi: string, flags = 0): void {
  c.pendingResult64(h, lo, hi, c.el[h], false, flags);
}

export function bin64(c: JsFunctionState, h: number, lo: string, hi: string): void {
  c.pendingResult64(h, lo, hi, mergeLoc(c.el[h], c.el[h + 1]), c.readsSlot(h + 1));
}

/**
 * An unsigned i32 comparison (a literal operand folded to its unsigned value).
 * `a>>>0 < b>>>0` is the smallest, but V8 speculates from the values a `>>>0`
 * gave so far that they stay below 2^31; code that ran once when V8 compiles it
 * (after a loop: see `JsFunctionState.rarelyRun`) compares with the sign bits
 * flipped instead, which has nothing to speculate on.
 */
export function ucmp(c: JsFunctionState, a: string, rel: string, b: string): string {
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

/** An immutable global's value or i64 high half (ABI `GV{g}`, `GH{g}`). */
const GLOBAL_VALUE_NAME = /^G[VH]\d+$/;
/** An immutable global's value (ABI `GV{g}`), which has its unsigned value in `GU{g}`. */
const GLOBAL_LOW_NAME = /^GV\d+$/;

/**
 * `e` as an unsigned number in a double context (see `ucmp`). An immutable
 * global's low half has its unsigned value ready in `GU{g}` (ABI).
 */
export function u32(c: JsFunctionState, e: string): string {
  const v = litValue(e);
  if (v !== null) return `${v >>> 0}`;
  if (GLOBAL_LOW_NAME.test(e)) return `${Binding.globalUnsigned}${e.slice(Binding.globalValue.length)}`;
  return c.rarelyRun() ? `(${e}+(${e}>>>31)*4294967296)` : `(${e}>>>0)`;
}

/**
 * `imul(a,b)` through the function's local copy of `imul`, and an immutable
 * global's value as an operand through a local copy as well (`$GV{g}`,
 * `$GH{g}`; `JsFunctionState.usesImul`, `copies`). A call's callee and
 * arguments are registers in V8's bytecode: a factory binding among them is
 * loaded into one at every call, three bytes, where a copy costs that once.
 * V8 inlines callees up to a total bytecode size; the i64 kernel's four calls
 * of its hash round fit only with the copies.
 */
export function imul(c: JsFunctionState, a: string, b: string): string {
  c.usesImul = true;
  return `$imul(${localCopy(c, a)},${localCopy(c, b)})`;
}

function localCopy(c: JsFunctionState, e: string): string {
  if (!GLOBAL_VALUE_NAME.test(e)) return e;
  c.copies.add(e);
  return `$${e}`;
}
