/**
 * Small functions over JS expression text that every family uses: literals,
 * outer parentheses, the locals an expression reads, trailing zero bits. Pure
 * functions of strings and numbers; no emitter state.
 */

/** `loc` of an operand entry reading no local / several locals. */
export const NO_LOCAL = -1;
export const MANY_LOCALS = -2;

/** A JS literal for a number (i32 or float value). */
export function numLit(v: number): string {
  if (v === 0) return 1 / v < 0 ? '(-0)' : '0';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return v < 0 ? `(${v})` : `${v}`;
}

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

const scratch = new DataView(new ArrayBuffer(8));

/** An f32 constant: a literal, or `f32FromBits` for a NaN (its payload kept, ABI). */
export function f32Lit(bits: number): string {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return `f32FromBits(${bits | 0})`;
  scratch.setUint32(0, bits);
  return numLit(scratch.getFloat32(0));
}

/** An f64 constant from its bits' halves: a literal, `NaN` for the canonical NaN, else `f64FromBits`. */
export function f64Lit(lo: number, hi: number): string {
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)) {
    if (hi >>> 0 === 0x7ff80000 && lo === 0) return 'NaN';
    return `f64FromBits(${lo | 0},${hi | 0})`;
  }
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return numLit(scratch.getFloat64(0));
}

/**
 * The high half of an i64 with its low half's expression, wherever it occurs
 * (an add's carry), read from the variable `v` the low half was just stored in:
 * a fully parenthesized expression occurs in another only as the same
 * subexpression, and expressions are pure, so this is the same value.
 */
export function reuseLow(hi: string, lo: string, v: string): string {
  if (lo.length < 3 || lo.charCodeAt(0) !== 40 || lo.charCodeAt(lo.length - 1) !== 41) return hi;
  return hi.includes(lo) ? hi.split(lo).join(v) : hi;
}

/**
 * `e` without its outer parentheses if they enclose all of it. For contexts
 * that take any expression without a comma: the right-hand side of `=`, a
 * call argument, a condition, a return value. Pending expressions keep their
 * parentheses (`reuseLow` relies on them); only the text written out loses
 * them, 2 characters at about every other statement.
 */
export function bare(e: string): string {
  const n = e.length;
  if (n < 3 || e.charCodeAt(0) !== 40 || e.charCodeAt(n - 1) !== 41) return e;
  // The parenthesized group that `e` starts with, in one regular-expression
  // match (compiled to machine code: cheap while this compiler itself is not
  // yet optimized, unlike a loop over the characters), up to 4 levels deep.
  GROUP.lastIndex = 0;
  if (GROUP.test(e)) return GROUP.lastIndex === n ? e.slice(1, -1) : e;
  let depth = 0;
  for (let i = 1; i < n - 1; i++) {
    const c = e.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth < 0) return e;
  }
  return e.slice(1, -1);
}

/** A parenthesized group with at most 4 levels of parentheses, from `lastIndex` (see `bare`). */
const GROUP = /\((?:[^()]|\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))*\)/y;

/** Whether `s` is one jump statement (`break L1;`, `continue L2;`, `return s0;`): what a br_if's `if` holds without braces. */
export function oneStatement(s: string): boolean {
  return (
    s.indexOf(';') === s.length - 1 &&
    (s.startsWith('break ') || s.startsWith('continue ') || s.startsWith('return'))
  );
}

/** Reads of slot `name` (`s{h}`, or a spilled `$S[h]`) in an expression (made once per h: a global regular expression's `replace` starts at 0). */
export function slotRef(h: number, name: string): RegExp {
  let re = SLOT_REFS.get(h);
  if (re === undefined) {
    re = new RegExp(`(?<![\\w$])${name.replace(/[$[\]]/g, '\\$&')}(?![\\w$])`, 'g');
    SLOT_REFS.set(h, re);
  }
  return re;
}

const SLOT_REFS = new Map<number, RegExp>();

/** Trailing zero bits of an int32 (32 for 0). */
export function tz32(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/** k if `e` is a local's name `l{k}`, else -1 (no regular expression: no match objects). */
export function localIndex(e: string): number {
  const n = e.length;
  if (n < 2 || e.charCodeAt(0) !== 108 /* l */) return -1;
  let k = 0;
  for (let i = 1; i < n; i++) {
    const c = e.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    k = k * 10 + (c - 48);
  }
  return n > 16 ? Number(e.slice(1)) : k;
}

/** Whether `e` is a local's name, `l{k}` (a base whose checks and alignment are tracked). */
export function isLocalName(e: string): boolean {
  return localIndex(e) >= 0;
}

/** The locals an expression built from two operands reads (`NO_LOCAL`, one index, or `MANY_LOCALS`). */
export function mergeLoc(a: number, b: number): number {
  if (a === NO_LOCAL) return b;
  if (b === NO_LOCAL || a === b) return a;
  return MANY_LOCALS;
}

export function mergeLoc3(a: number, b: number, c: number): number {
  return mergeLoc(mergeLoc(a, b), c);
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
