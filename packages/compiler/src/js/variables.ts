/**
 * Locals, globals, constants and select: the leaves of pending expressions
 * and the assignments that end them. A `local.set` of a value a statement just
 * stored makes that statement store into the local (`retarget`); pending
 * operands that read a local are stored before it is assigned.
 */
import { I32, I64, type ValType } from '@wasmloom/binary';
import { alignKnown, forgetBase, ownAlign } from './bounds-facts.js';
import { BOOL, type JsFunctionState, MAT, QUIET, SIMPLE, STORED_S_T } from './function-state.js';
import {
  GLOBAL_HI,
  GLOBAL_HI_SET,
  GLOBAL_HIGH,
  GLOBAL_LO,
  GLOBAL_LO_SET,
  GLOBAL_VALUE,
  K_NAME,
  K_SET,
  L_NAME,
  L_SET,
  S_NAME,
} from './names.js';
import {
  bare,
  f32Lit,
  f64Lit,
  MANY_LOCALS,
  mergeLoc3,
  NO_LOCAL,
  numLit,
  reuseLow,
  slotRef,
  tz32,
} from './text.js';

export function emitLocalGet(c: JsFunctionState, k: number, t: ValType, h: number): void {
  const lk = L_NAME.get(k);
  c.setPending(h, lk, t === I64 ? K_NAME.get(k) : '', SIMPLE, k);
  // Only alignment that holds here for sure: a value built on an assumption
  // (`origin`) would need the assumption recorded with it.
  const al = c.align.get(lk);
  if (al !== undefined && al.origin === null) c.ez[h] = al.tz;
}

export function emitLocalSet(c: JsFunctionState, k: number, t: ValType, h: number, tee: boolean): void {
  const out = c.out;
  const z = t === I32 ? c.ez[h] : 0;
  // `l{k} ± c`: keeps an alignment assumed for l{k} up to c's (`ei`).
  const keep = c.ei[h] >= 0 && c.ei[h] >> 6 === k ? c.ei[h] & 63 : 0;
  c.flushLocal(k, h);
  const lk = L_NAME.get(k);
  forgetBase(c, lk, keep);
  const kept = c.align.get(lk);
  if (z > 0 && (kept === undefined || kept.origin === null)) ownAlign(c).set(lk, alignKnown(z));
  if (c.loops > 0) c.loopAssigned.add(k);
  // The last statement stored into slot h (see `retarget`).
  const fresh = c.stAt >= 0 && c.stH === h;
  if (t === I64) {
    const lo = c.lo(h);
    const hi = c.hi(h);
    const kk = K_NAME.get(k);
    if (lo === lk && hi === kk) {
      // local.set of its own value
    } else if (fresh && c.ef[h] & MAT && c.retarget(h, k, true)) {
      // stored into the local directly
    } else if (
      fresh &&
      lo === S_NAME.get(h) &&
      c.el[h] !== k &&
      c.el[h] !== MANY_LOCALS &&
      c.retarget(h, k, false)
    ) {
      // the low half was, the high half reads it (a narrow load's `t{h}`)
      out.push(`${K_SET.get(k)}${bare(hi.replace(slotRef(h, S_NAME.get(h)), lk))};`);
    } else if (hi === kk) {
      // the high half is the local's already
      out.push(`${L_SET.get(k)}${bare(lo)};`);
    } else if (c.el[h] === k || c.el[h] === MANY_LOCALS) {
      c.usesX = true;
      out.push(`x=${bare(lo)};${kk}=${bare(reuseLow(hi, lo, 'x'))};${lk}=x;`);
    } else out.push(`${lk}=${bare(lo)};${kk}=${bare(reuseLow(hi, lo, lk))};`);
  } else {
    const v = c.val(h);
    if (v !== lk && !(fresh && v === S_NAME.get(h) && c.retarget(h, k, false)))
      out.push(`${L_SET.get(k)}${bare(v)};`);
  }
  if (tee) {
    c.setPending(h, lk, t === I64 ? K_NAME.get(k) : '', SIMPLE, k);
    c.ez[h] = z;
  }
}

export function emitGlobalGet(c: JsFunctionState, g: number, h: number): void {
  const gt = c.d.env.globals[g];
  const i64 = gt.type === I64;
  if (gt.mutable) {
    if (i64) {
      c.stored(h, STORED_S_T, GLOBAL_LO.get(g), GLOBAL_HI.get(g));
      c.setMat(h, true);
    } else c.assign(h, GLOBAL_LO.get(g));
  } else c.setPending(h, GLOBAL_VALUE.get(g), i64 ? GLOBAL_HIGH.get(g) : '', SIMPLE, NO_LOCAL);
}

export function emitGlobalSet(c: JsFunctionState, g: number, h: number): void {
  if (c.d.env.globals[g].type === I64)
    c.out.push(`${GLOBAL_LO_SET.get(g)}${bare(c.lo(h))};${GLOBAL_HI_SET.get(g)}${bare(c.hi(h))};`);
  else c.out.push(`${GLOBAL_LO_SET.get(g)}${bare(c.val(h))};`);
}

export function emitI32Const(c: JsFunctionState, h: number, v: number): void {
  c.setPending(h, numLit(v), '', SIMPLE, NO_LOCAL);
  c.ez[h] = tz32(v);
}

export function emitI64Const(c: JsFunctionState, h: number, lo: number, hi: number): void {
  c.setPending(h, numLit(lo), numLit(hi), SIMPLE, NO_LOCAL);
}

export function emitF32Const(c: JsFunctionState, h: number, bits: number): void {
  const sNaN = (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x3fffff) !== 0;
  c.setPending(h, f32Lit(bits), '', sNaN ? SIMPLE : SIMPLE | QUIET, NO_LOCAL);
}

export function emitF64Const(c: JsFunctionState, h: number, lo: number, hi: number): void {
  c.setPending(h, f64Lit(lo, hi), '', SIMPLE, NO_LOCAL);
}

export function emitSelect(c: JsFunctionState, t: ValType, h: number): void {
  const b = h + 1;
  const s = h + 2;
  // Operands above h read their own slots: the result must not stay pending on them.
  if (t === I64) {
    const cs = c.ef[s] & BOOL ? c.condSimple(s) : c.simple(s);
    const higher = c.readsSlot(b) || c.readsSlot(s);
    const lo = `(${cs}?${c.lo(h)}:${c.lo(b)})`;
    const hi = `(${cs}?${c.hi(h)}:${c.hi(b)})`;
    c.pendingResult64(h, lo, hi, mergeLoc3(c.el[h], c.el[b], c.el[s]), higher);
  } else {
    const higher = c.readsSlot(b) || c.readsSlot(s);
    const e = `(${c.cond(s)}?${c.val(h)}:${c.val(b)})`;
    c.pendingResult(h, e, 0, mergeLoc3(c.el[h], c.el[b], c.el[s]), higher);
  }
}
